"""Sentence-vs-passage support checks: lexical, fast and explainable.

No NLI model can be installed offline, so support is judged from surface evidence: how much of the
sentence's content the passage covers, whether every number, dose and drug or condition name is in the
passage, and whether the sentence flips the polarity of what the passage says ("you do not need blood
tests" against "regular blood tests can help"). Used by the LLM writer, the extractive writer's
self-check and the eval harness (citation precision and recall).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from citecare.answer.faithful import faithfulness_reasons
from citecare.answer.support_evidence import (
    content_words,
    missing_numbers,
    missing_terms,
    negation_flip,
    passage_words,
)
from citecare.text import parse_markers, split_sentences, strip_markers

# --- verdicts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportVerdict:
    """Whether a passage supports a sentence, and why not."""

    supported: bool
    score: float  # content-word coverage of the sentence by the passage, 0..1
    reasons: tuple[str, ...] = ()  # e.g. ("missing_numbers:20 mg", "negation_flip:need", "low_overlap:0.31")

    def to_dict(self) -> dict[str, Any]:
        return {"supported": self.supported, "score": round(self.score, 3), "reasons": list(self.reasons)}


# The attribution the extractive writer may put before a quoted sentence ("The prednisone label says: …",
# "The prednisone label lists under Musculoskeletal: …", "The methylprednisolone label lists among its adverse
# reactions: …").
ATTRIBUTION_RE = re.compile(r"^\s*The [A-Za-z][\w' /-]{1,60} label (?:says|lists under [^:]{1,80}|"
                            r"lists among its adverse reactions|gives under dosage):\s+")


def strip_attribution(sentence: str) -> str:
    """The quoted sentence without its attribution (which names the source, and is checked separately)."""
    return ATTRIBUTION_RE.sub("", sentence, count=1)


def check_support(sentence: str, passage: str, *, min_overlap: float = 0.6) -> SupportVerdict:
    """Judge whether ``passage`` supports ``sentence`` (citation markers in the sentence are ignored).

    Supported means: at least ``min_overlap`` of the sentence's content words are in the passage, every
    number/dose/unit of the sentence is in the passage, every drug- or condition-looking word is in the
    passage, and the sentence does not negate what the passage asserts (or assert what it negates).
    """
    body = strip_attribution(strip_markers(sentence))
    if " … " in body:  # a list item after its lead-in ("…evaluated for osteoporosis if … you have been taking…")
        parts = [check_support(part, passage, min_overlap=min_overlap) for part in body.split(" … ") if part.strip()]
        return SupportVerdict(all(p.supported for p in parts), min(p.score for p in parts),
                              tuple(r for p in parts for r in p.reasons))
    words = content_words(body)
    if not words:
        return SupportVerdict(False, 0.0, ("no_content",))
    in_passage = passage_words(passage)
    score = len(words & in_passage) / len(words)
    reasons: list[str] = []
    if score < min_overlap:
        reasons.append(f"low_overlap:{score:.2f}")
    if missing := missing_numbers(body, passage):
        reasons.append("missing_numbers:" + ",".join(missing))
    if terms := missing_terms(body, passage, in_passage):
        reasons.append("missing_terms:" + ",".join(terms))
    if (flipped := negation_flip(body, passage)) is not None:
        reasons.append(f"negation_flip:{flipped}")
    return SupportVerdict(not reasons, score, tuple(reasons))


@dataclass(frozen=True)
class VerifiedSentence:
    """One answer sentence (markers removed), the passages it cited, and the verdict on it."""

    text: str
    cited: tuple[int, ...]
    verdict: SupportVerdict
    supported_by: tuple[int, ...] = ()  # the cited passages that support it

    def with_markers(self) -> str:
        """The sentence followed by the markers of the passages that support it: "... tests. [1][2]"."""
        numbers = self.supported_by or self.cited
        return f"{self.text} {''.join(f'[{n}]' for n in numbers)}".strip()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "cited": list(self.cited), "supported_by": list(self.supported_by),
                **self.verdict.to_dict()}  # fmt: skip


@dataclass(frozen=True)
class Verification:
    """Every sentence of an answer, split into those kept (supported) and those dropped."""

    sentences: tuple[VerifiedSentence, ...] = ()
    kept: tuple[VerifiedSentence, ...] = ()
    dropped: tuple[VerifiedSentence, ...] = ()
    min_overlap: float = field(default=0.6, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly counts and per-sentence verdicts."""
        return {
            "sentences": len(self.sentences),
            "kept": len(self.kept),
            "dropped": len(self.dropped),
            "min_overlap": self.min_overlap,
            "items": [s.to_dict() for s in self.sentences],
        }


Policy = Callable[[str], Sequence[str]]


def _verify_sentence(
    sentence: str, passages: dict[int, str], min_overlap: float, policy: Policy | None,
    about: dict[int, str], subjects: Sequence[str],
) -> VerifiedSentence:
    cited = parse_markers(sentence)
    body = re.sub(r"\*\*|__", "", strip_markers(sentence))
    known = [n for n in cited if n in passages]
    if not cited:
        return VerifiedSentence(body, cited, SupportVerdict(False, 0.0, ("no_citation",)))
    if not known:
        reason = "unknown_citation:" + ",".join(map(str, cited))
        return VerifiedSentence(body, cited, SupportVerdict(False, 0.0, (reason,)))
    verdicts = {n: check_support(body, passages[n], min_overlap=min_overlap) for n in known}
    for n in known:  # the words are there, but is the number this drug's, and is it the asked subject?
        if extra := faithfulness_reasons(strip_attribution(body), passages[n], about.get(n, ""), subjects):
            verdicts[n] = replace(verdicts[n], supported=False, reasons=verdicts[n].reasons + tuple(extra))
    supporting = tuple(n for n in known if verdicts[n].supported)
    best = max(verdicts.values(), key=lambda v: (v.supported, v.score))
    policy_reasons = tuple(policy(body)) if policy else ()
    if policy_reasons:
        best = replace(best, supported=False, reasons=best.reasons + policy_reasons)
    return VerifiedSentence(body, cited, best, supporting if best.supported else ())


def verify_answer(
    text_with_markers: str,
    passages: dict[int, str],
    *,
    min_overlap: float = 0.6,
    policy: Policy | None = None,
    about: dict[int, str] | None = None,
    subjects: Sequence[str] = (),
) -> Verification:
    """Check every sentence of an answer against the passages it cites.

    ``passages`` maps the passage number used in the "[n]" markers to its text. A sentence without a
    citation is dropped ("no_citation"); a sentence is kept when ANY of its cited passages supports it.
    ``policy`` (optional) returns reasons to drop a sentence regardless of support, e.g. advice to stop
    a medicine. ``about`` (what each passage is about: its title and heading) and ``subjects`` (names of what
    the question asks about) let a sentence be dropped when it puts a number with another drug than the
    passage's ("number_off_its_drug") or is about something else ("off_subject").
    """
    checked = tuple(
        _verify_sentence(s, passages, min_overlap, policy, about or {}, subjects)
        for s in split_sentences(text_with_markers)
        if strip_markers(s)
    )
    kept = tuple(s for s in checked if s.verdict.supported)
    dropped = tuple(s for s in checked if not s.verdict.supported)
    return Verification(checked, kept, dropped, min_overlap)
