"""Deterministic, offline eval metrics: retrieval, citations, groundedness, behaviour, latency, CIs.

Every per-case metric is a pair ``(numerator, denominator)``; a set-level value is
``sum(numerators) / sum(denominators)`` over the cases where the metric applies. That one rule
gives plain means (denominator 1) and micro-averages (citations, sentences), and lets the same
bootstrap and the same by-tag breakdown serve every metric.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from citecare.text import MARKER_RE, marker_numbers, strip_markers
from citecare.types import Answer

SupportFn = Callable[[str, str], bool]
SplitFn = Callable[[str], list[str]]
Score = tuple[float, float]

# Headline metrics, in display order; the bootstrap CIs and baselines cover these.
HEADLINE: tuple[str, ...] = (
    "kind_accuracy",
    "doc_hit@1",
    "doc_hit@3",
    "doc_hit@5",
    "mrr",
    "ndcg@5",
    "first_citation_correct",
    "citation_precision",
    "citation_recall",
    "ungrounded_rate",
    "must_include_coverage",
    "must_not_include_violation_rate",
    # what the answer says about the asked subject (citecare.evals.answer_metrics)
    "on_subject_citation_share",
    "all_citations_on_subject",
    "lead_answers_question",
    "answers_at_most_3_sentences",
    "no_evidence_on_unanswerable",
    "not_covered_names_subject",
    "emergency_recall",
    "emergency_false_alarm_rate",
    "urgent_or_higher_recall",
    "tier_false_alarm_rate",
    "referral_dose_rate",
    "disclaimer_rate",
    "error_rate",
)
# For these, lower is better (deltas and gates read them the other way round).
LOWER_IS_BETTER: frozenset[str] = frozenset(
    {"ungrounded_rate", "must_not_include_violation_rate", "emergency_false_alarm_rate", "error_rate",
     "answer_sentences_median", "reading_grade_median", "tier_false_alarm_rate", "referral_dose_rate"}
)
STAGES: tuple[str, ...] = ("guard", "retrieve", "compose", "total", "wall")

_MARKERS = MARKER_RE
_LEADING_MARKERS = re.compile(r"^\s*((?:" + _MARKERS.pattern + r"\s*)+)", re.I)
_MARKER_BOUNDARY = re.compile(r"((?:\s*(?i:" + _MARKERS.pattern + r"))+)\s+(?=[A-Z\"\u201c(])")
_FALLBACK_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\[\"'(A-Z0-9])")


# --------------------------------------------------------------------------- normalising ids
def doc_stem(name: str) -> str:
    """'docs/medquad_X_Sec1.txt' -> 'medquad_x_sec1': file names and doc ids compare as lower-case stems."""
    name = name.strip()
    base = PureWindowsPath(PurePosixPath(name).name).name
    stem = base.rsplit(".", 1)[0] if "." in base and not base.startswith(".") else base
    return stem.lower()


def ranked_docs(answer: Answer) -> list[str]:
    """Distinct doc stems of ``answer.retrieved`` in fused rank order."""
    seen: dict[str, None] = {}
    for info in answer.retrieved:
        seen.setdefault(doc_stem(info.doc_id), None)
    return list(seen)


# --------------------------------------------------------------------------- retrieval
def hit_at_k(ranked: Sequence[str], expected: Iterable[str], k: int) -> float:
    """1.0 when any expected doc is among the first ``k`` ranked docs."""
    want = set(expected)
    return 1.0 if any(d in want for d in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], expected: Iterable[str]) -> float:
    """1/rank of the first expected doc, 0.0 when none was retrieved."""
    want = set(expected)
    for i, d in enumerate(ranked, start=1):
        if d in want:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], expected: Iterable[str], k: int = 5) -> float:
    """Binary-relevance nDCG@k (the expected lists are not exhaustive: a lower bound)."""
    want = set(expected)
    if not want:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in want)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(want), k)))
    return dcg / ideal


def retrieval_scores(answer: Answer, expected: Sequence[str]) -> dict[str, Score]:
    """hit@1/3/5, MRR, nDCG@5 on retrieved docs and whether the first citation is an expected doc."""
    ranked = ranked_docs(answer)
    first = doc_stem(answer.citations[0].doc_id) if answer.citations else None
    return {
        "doc_hit@1": (hit_at_k(ranked, expected, 1), 1.0),
        "doc_hit@3": (hit_at_k(ranked, expected, 3), 1.0),
        "doc_hit@5": (hit_at_k(ranked, expected, 5), 1.0),
        "mrr": (reciprocal_rank(ranked, expected), 1.0),
        "ndcg@5": (ndcg_at_k(ranked, expected, 5), 1.0),
        "first_citation_correct": (1.0 if first in set(expected) else 0.0, 1.0),
    }


# --------------------------------------------------------------------------- citations
@dataclass(frozen=True)
class CitedSentence:
    """One answer sentence (markers removed) and the citation numbers attached to it."""

    text: str
    cites: tuple[int, ...]


def _numbers(marker_text: str) -> list[int]:
    """Citation numbers in marker text; "[1-3]" means 1, 2 and 3."""
    return [n for group in _MARKERS.findall(marker_text) for n in marker_numbers(group)]


def fallback_split(text: str) -> list[str]:
    """Regex sentence splitter used only when citecare.answer.verify is unavailable."""
    return [p for p in (s.strip() for s in _FALLBACK_SPLIT.split(text.strip())) if p]


def _split_after_markers(piece: str) -> list[str]:
    """Cut after a marker group followed by a capitalised word: "... MS. [1] The ..." is two sentences
    even when the splitter takes "MS." for an abbreviation; each cited quote ends with its marker."""
    parts, start = [], 0
    for match in _MARKER_BOUNDARY.finditer(piece):
        parts.append(piece[start:match.end(1)])
        start = match.end()
    parts.append(piece[start:])
    return [p for p in parts if p.strip()]


def cited_sentences(text: str, split: SplitFn = fallback_split) -> list[CitedSentence]:
    """Split an answer into sentences; markers that open a piece ("... done. [1] Next") go to the sentence before."""
    out: list[tuple[str, list[int]]] = []
    for piece in (p for raw in split(text) for p in _split_after_markers(raw)):
        lead = _LEADING_MARKERS.match(piece)
        if lead and out:
            out[-1][1].extend(_numbers(lead.group(1)))
            piece = piece[lead.end():]
        clean = strip_markers(piece)
        if not re.search(r"\w", clean):
            if out:
                out[-1][1].extend(_numbers(piece))
            continue
        out.append((clean, _numbers(piece)))
    return [CitedSentence(t, tuple(dict.fromkeys(c))) for t, c in out]


@dataclass(frozen=True)
class CitationCheck:
    """ALCE-style verdicts for one answer."""

    sentences: int
    supported_sentences: int  # recall numerator: sentence entailed by its citations taken together
    citations: int
    precise_citations: int  # precision numerator
    unsupported: tuple[str, ...]  # sentences whose citations do not support them
    imprecise: tuple[int, ...]  # citation numbers counted as irrelevant
    unknown_markers: tuple[int, ...]  # [n] with no such citation


def check_citations(
    answer: Answer, support: SupportFn, split: SplitFn = fallback_split
) -> CitationCheck:
    """Citation recall and precision (Gao et al. 2023, ALCE) with ``support`` as the entailment check.

    Recall: a sentence counts when the concatenation of its cited passages supports it (no
    citation: unsupported). Precision: a citation counts when the sentence is supported and the
    citation either supports it alone or is needed (dropping it breaks support).
    """
    passages = {c.n: c.passage for c in answer.citations}
    sents = cited_sentences(answer.cited_text, split)
    supported = n_cites = precise = 0
    unsupported: list[str] = []
    imprecise: list[int] = []
    unknown: list[int] = []
    for s in sents:
        known = [n for n in s.cites if n in passages]
        unknown.extend(n for n in s.cites if n not in passages)
        joint = bool(known) and support(s.text, "\n".join(passages[n] for n in known))
        supported += joint
        if not joint:
            unsupported.append(s.text)
        for n in s.cites:
            n_cites += 1
            ok = joint and n in passages and (
                support(s.text, passages[n])
                or not (len(known) > 1 and support(s.text, "\n".join(passages[m] for m in known if m != n)))
            )
            precise += ok
            if not ok:
                imprecise.append(n)
    return CitationCheck(len(sents), supported, n_cites, precise, tuple(unsupported), tuple(imprecise),
                         tuple(dict.fromkeys(unknown)))


def ungrounded_sentences(answer: Answer, support: SupportFn, split: SplitFn = fallback_split) -> list[str]:
    """Answer sentences supported by no retrieved (or cited) passage."""
    passages = list(dict.fromkeys([r.text for r in answer.retrieved] + [c.passage for c in answer.citations]))
    return [s.text for s in cited_sentences(answer.cited_text, split)
            if not any(support(s.text, p) for p in passages if p)]


# --------------------------------------------------------------------------- content checks
def _norm_text(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2014", "-").replace("\u2013", "-")
    return re.sub(r"\s+", " ", text).lower()


def contains(text: str, phrase: str) -> bool:
    """Case-, quote- and whitespace-insensitive substring test."""
    return _norm_text(phrase).strip() in _norm_text(text)


def must_include_score(text: str, phrases: Sequence[str], mode: str = "all") -> tuple[float, list[str]]:
    """Coverage in [0, 1] (share found for 'all', 1/0 for 'any') and the phrases missing."""
    missing = [p for p in phrases if not contains(text, p)]
    if mode == "any":
        return (1.0 if len(missing) < len(phrases) else 0.0), missing
    return (len(phrases) - len(missing)) / len(phrases), missing


def forbidden_found(text: str, phrases: Sequence[str]) -> list[str]:
    """The must_not_include phrases present in ``text``."""
    return [p for p in phrases if contains(text, p)]


# --------------------------------------------------------------------------- aggregation
@dataclass(frozen=True)
class MetricValue:
    """A set-level metric with its bootstrap 95% CI (None when not computed)."""

    value: float | None
    n: int  # cases where the metric applies
    ci_low: float | None = None
    ci_high: float | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        return {"value": self.value, "n": self.n, "ci_low": self.ci_low, "ci_high": self.ci_high}


def aggregate(scores: Sequence[Score]) -> float | None:
    """sum(num)/sum(den); None when nothing applies."""
    den = sum(d for _, d in scores)
    return None if den <= 0 else sum(n for n, _ in scores) / den


def bootstrap_ci(
    scores: Sequence[Score], *, n_boot: int = 1000, seed: int = 20240501, alpha: float = 0.05
) -> tuple[float, float] | None:
    """Percentile bootstrap CI of the ratio-of-sums, resampling cases with a fixed seed."""
    pairs = [(n, d) for n, d in scores if d > 0]
    if not pairs:
        return None
    import numpy as np  # only when metrics are computed: keeps `citecare --help` fast
    arr = np.asarray(pairs, dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(arr), size=(n_boot, len(arr)))
    nums, dens = arr[idx, 0].sum(axis=1), arr[idx, 1].sum(axis=1)
    ratios = nums / dens
    lo, hi = np.percentile(ratios, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(lo), float(hi)


def summarize_scores(
    per_case: Sequence[Mapping[str, Score]], *, with_ci: bool = True, n_boot: int = 1000
) -> dict[str, MetricValue]:
    """Set-level value (and CI for headline metrics) of every metric seen in ``per_case``."""
    names = [m for m in HEADLINE if any(m in c for c in per_case)]
    names += sorted({m for c in per_case for m in c} - set(names))
    out: dict[str, MetricValue] = {}
    for name in names:
        scores = [c[name] for c in per_case if name in c]
        ci = bootstrap_ci(scores, n_boot=n_boot, seed=zlib.crc32(name.encode())) if with_ci and name in HEADLINE else None
        out[name] = MetricValue(aggregate(scores), len(scores), *(ci or (None, None)))
    return out


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile, None for no values."""
    import numpy as np

    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else None


def latency_summary(timings: Sequence[Mapping[str, float]]) -> dict[str, dict[str, float | int | None]]:
    """p50/p95/mean/max per stage over the cases that report that stage."""
    out: dict[str, dict[str, float | int | None]] = {}
    stages = list(STAGES) + sorted({s for t in timings for s in t} - set(STAGES))
    for stage in stages:
        vals = [float(t[stage]) for t in timings if stage in t]
        if vals:
            out[stage] = {"n": len(vals), "p50": percentile(vals, 50), "p95": percentile(vals, 95),
                          "mean": sum(vals) / len(vals), "max": max(vals)}
    return out


def confusion(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Nested counts ``{expected: {returned: n}}``."""
    out: dict[str, dict[str, int]] = {}
    for expected, got in pairs:
        row = out.setdefault(expected, {})
        row[got] = row.get(got, 0) + 1
    return out
