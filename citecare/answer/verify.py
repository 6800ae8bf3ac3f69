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
from functools import lru_cache
from typing import Any

from citecare.answer.faithful import faithfulness_reasons
from citecare.text import parse_markers, split_sentences, stem, strip_markers

# --- words ---------------------------------------------------------------------------------------


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOPWORDS = _wordset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just let me
    might more most must my myself of off on once only or other our ours ourselves out over own same
    shall she should so some such than that the their theirs them themselves then there these they this
    those through to too under until up upon us very was we were what when where which while who whom why
    will with would you your yours yourself yourselves may etc e g ie eg per via yes okay ok well
    however therefore thus also even still already really quite rather just like
    """
)
# Negation cues are excluded from content words: polarity is judged separately.
# "avoid" is a negation in meaning: "avoid alcohol" agrees with "do not drink alcohol".
_NEGATORS = _wordset(
    "not no never none nobody nothing neither nor cannot without avoid avoids avoiding refrain"
)
_NEGATIVE_PREFIXED = {
    "unnecessary": "necessary",
    "unneeded": "needed",
    "unsafe": "safe",
    "unable": "able",
    "unlikely": "likely",
    "unhelpful": "helpful",
    "ineffective": "effective",
    "inappropriate": "appropriate",
}
# Patient wording and source wording often differ only by these near-synonyms.
_SYNONYM_STEMS = {"medicin": "medic", "drug": "medic", "physician": "doctor", "clinician": "doctor"}

_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    stemmed = stem(word)
    return _SYNONYM_STEMS.get(stemmed, stemmed)


def _tokens(text: str) -> list[str]:
    """Lowercased word tokens; "body's" → "body", curly apostrophes straightened."""
    words = _WORD_RE.findall(text.lower().replace("’", "'"))
    return [w[:-2] if w.endswith("'s") else w for w in words]


def _is_negator(word: str) -> bool:
    return word in _NEGATORS or word.endswith("n't") or word in _NEGATIVE_PREFIXED


@lru_cache(maxsize=65536)
def _content_stem(word: str) -> str | None:
    """The stem a token contributes to content words, or None for stopwords, negators and numbers."""
    word = _NEGATIVE_PREFIXED.get(word, word)
    if word in _STOPWORDS or word in _NEGATORS or word.endswith("n't") or word.isdigit():
        return None
    if len(word) < 2:
        return None
    return _stem(word)


def content_words(text: str) -> set[str]:
    """Lowercased, stemmed content words of ``text`` (stopwords, negators and bare numbers removed).

    >>> sorted(content_words("Regular blood tests are needed."))
    ['blood', 'need', 'regular', 'test']
    """
    return {s for s in map(_content_stem, _tokens(strip_markers(text))) if s}


# --- numbers and names -----------------------------------------------------------------------------

_UNITS = {
    "mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "µg": "mcg", "microgram": "mcg",
    "micrograms": "mcg", "g": "g", "gram": "g", "grams": "g", "kg": "kg", "ml": "ml", "milliliter": "ml",
    "milliliters": "ml", "millilitre": "ml", "millilitres": "ml", "l": "l", "iu": "iu", "unit": "unit",
    "units": "unit", "%": "%", "percent": "%", "tablet": "tablet", "tablets": "tablet", "pill": "tablet",
    "pills": "tablet", "dose": "dose", "doses": "dose", "times": "times", "hour": "hour", "hours": "hour",
    "hr": "hour", "hrs": "hour", "h": "hour", "day": "day", "days": "day", "week": "week", "weeks": "week",
    "wk": "week", "wks": "week", "month": "month", "months": "month", "year": "year", "years": "year",
    "yr": "year", "yrs": "year", "minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute",
}  # fmt: skip
_UNIT_ALT = "|".join(sorted((re.escape(u) for u in _UNITS if u != "%"), key=len, reverse=True))
_NUMBER_RE = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)*(?:\s?[-–/]\s?\d+(?:[.,]\d+)*)*)"
    r"(?:\s?(%|(?:" + _UNIT_ALT + r")\b))?",
    re.I,
)
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve")
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\s+(?=(?:" + _UNIT_ALT + r")\b)", re.I)


def _numbers(text: str) -> list[tuple[str, str | None, str]]:
    """(number, canonical unit or None, as written) for each number in ``text``; "two weeks" → 2 week."""
    text = _NUMBER_WORD_RE.sub(lambda m: f"{_NUMBER_WORDS.index(m.group(1).lower())} ", text)
    out = []
    for m in _NUMBER_RE.finditer(text):
        number = re.sub(r"\s", "", m.group(1)).replace("–", "-")
        number = re.sub(r"(?<=\d),(?=\d{3}\b)", "", number)
        unit = _UNITS[m.group(2).lower()] if m.group(2) else None
        out.append((number, unit, m.group(0).strip()))
    return out


@lru_cache(maxsize=1024)
def _passage_numbers(passage: str) -> tuple[tuple[str, str | None, str], ...]:
    return tuple(_numbers(passage))


@lru_cache(maxsize=1024)
def _passage_words(passage: str) -> frozenset[str]:
    return frozenset(content_words(passage))


def _missing_numbers(sentence: str, passage: str) -> list[str]:
    have = _passage_numbers(passage)
    exact = {(n, u) for n, u, _ in have}
    bare = {n for n, u, _ in have if u is None}
    lowered = passage.lower()
    missing = []
    for number, unit, written in _numbers(sentence):
        if (number, unit) in exact or (unit is None and any(n == number for n, _, _ in have)):
            continue
        # "7.5 to 25 mg": the unit is written once, after the last number.
        if unit is not None and number in bare and any(k in lowered for k, v in _UNITS.items() if v == unit):
            continue
        missing.append(written)
    return missing


_DRUG_SUFFIXES = (
    "mab", "nib", "tinib", "ciclib", "pril", "sartan", "olol", "statin", "azole", "cillin", "mycin",
    "cycline", "floxacin", "vir", "xaban", "parin", "gliptin", "gliflozin", "lukast", "dronate", "caine",
    "oxetine", "triptan", "afil", "dipine", "semide", "thiazide", "profen", "coxib", "azepam", "zolam",
    "codone", "morphone", "trexate", "sone", "olone", "one", "ate", "ine", "ide", "mus", "sporin",
)  # fmt: skip
_CONDITION_SUFFIXES = ("itis", "osis", "emia", "aemia", "pathy", "algia", "plasia", "oma", "ectomy")
# Common words that merely share a drug-like ending.
_COMMON_SUFFIXED = _wordset(
    """
    someone everyone anyone telephone microphone hormone cornerstone milestone undergone postpone
    standalone medicine routine vaccine online guideline baseline deadline determine examine combine
    imagine decline discipline genuine urine machine magazine quarantine headline outline pipeline
    appropriate immediate separate moderate accurate adequate evaluate indicate estimate alternate
    approximate intermediate ultimate private climate update associate generate calculate communicate
    demonstrate participate investigate concentrate regulate stimulate activate eliminate facilitate
    illustrate integrate isolate tolerate anticipate accommodate complicate educate navigate fortunate
    unfortunate desperate deliberate elaborate corporate candidate certificate template considerate
    compensate consolidate contemplate accumulate appreciate delicate intimate legitimate adequate
    provide decide outside inside override worldwide alongside beside guide divide coincide subside
    diploma aroma stimulus previous various serious numerous
    """
)


def _salient_terms(sentence: str) -> list[str]:
    """Words that look like drug or condition names: capitalised mid-sentence, acronyms, drug suffixes."""
    terms: list[str] = []
    for i, raw in enumerate(_WORD_RE.findall(sentence)):
        word = raw.lower()
        base = word[:-1] if word.endswith("s") and not word.endswith(("ss", "sis", "us")) else word
        if word in _STOPWORDS or _is_negator(word) or base in _COMMON_SUFFIXED or word.isdigit():
            continue
        capitalised = i > 0 and raw[0].isupper() and raw != "I" and not raw[0].isdigit()
        acronym = len(raw) >= 2 and raw.isupper() and raw.isalpha()
        drug_like = len(base) >= 7 and base.endswith(_DRUG_SUFFIXES)
        condition_like = len(base) >= 6 and base.endswith(_CONDITION_SUFFIXES)
        if (capitalised or acronym or drug_like or condition_like) and word not in terms:
            terms.append(word)
    return terms


def _missing_terms(sentence: str, passage: str, passage_words: frozenset[str]) -> list[str]:
    lowered = passage.lower()
    return [t for t in _salient_terms(sentence) if t not in lowered and _content_stem(t) not in passage_words]


# --- polarity ------------------------------------------------------------------------------------

_CLAUSE_BREAK_RE = re.compile(
    r"\s*[;:()]\s*|\s*,?\s*\b(?:but|however|although|though|whereas|while|yet|unless|because|since|if|when)\b\s*",
    re.I,
)
_LEADING_NO_RE = re.compile(r"^\s*no\s*[,.!;:-]\s*", re.I)


@dataclass(frozen=True)
class _Clause:
    negative: bool
    words: frozenset[str]
    cue_word: str  # the first content word after the negation, for the reason text


def _clause(text: str, force_negative: bool = False) -> _Clause:
    tokens = _tokens(text)
    cues = [i for i, t in enumerate(tokens) if _is_negator(t) and t != "without"]
    cues = [
        i
        for i in cues
        if not (tokens[i] == "not" and i + 1 < len(tokens) and tokens[i + 1] in ("only", "just"))
    ]
    negative = force_negative or len(cues) % 2 == 1
    after = tokens[cues[0] :] if cues else tokens
    cue_word = next((_NEGATIVE_PREFIXED.get(t, t) for t in after if _content_stem(t)), "")
    return _Clause(negative, frozenset(s for s in map(_content_stem, tokens) if s), cue_word)


def _partition_without(part: str) -> tuple[str, str]:
    """("take it", "without food") for "take it without food"; the second part is "" when absent."""
    m = re.search(r"\bwithout\b", part, re.I)
    return (part, "") if m is None else (part[: m.start()], part[m.start() :])


def _split_clauses(sentence: str) -> list[_Clause]:
    """Clauses with their polarity. "without ..." is its own negative clause; a leading "No," negates."""
    body = strip_markers(sentence)
    leading_no = bool(_LEADING_NO_RE.match(body))
    body = _LEADING_NO_RE.sub("", body)
    clauses: list[_Clause] = []
    for i, part in enumerate(p for p in _CLAUSE_BREAK_RE.split(body) if p and p.strip()):
        head, tail = _partition_without(part)
        clauses.append(_clause(head, force_negative=leading_no and i == 0))
        if tail:
            clauses.append(_clause(tail, force_negative=True))
    return [c for c in clauses if c.words]


@lru_cache(maxsize=2048)
def _passage_clauses(passage: str) -> tuple[_Clause, ...]:
    return tuple(c for s in split_sentences(passage) for c in _split_clauses(s))


def _negation_flip(sentence: str, passage: str) -> str | None:
    """The word whose polarity the sentence flips against the passage clause it matches best, if any."""
    candidates = _passage_clauses(passage)
    for clause in _split_clauses(sentence):
        needed = min(2, len(clause.words))
        scored = [(len(clause.words & c.words), c) for c in candidates]
        best = max((n for n, _ in scored), default=0)
        if best < needed:
            continue
        matches = [c for n, c in scored if n == best]
        if all(c.negative != clause.negative for c in matches):
            negative = clause if clause.negative else matches[0]
            return negative.cue_word or "?"
    return None


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
# "The prednisone label lists under Musculoskeletal: …").
ATTRIBUTION_RE = re.compile(r"^\s*The [A-Za-z][\w' /-]{1,60} label (?:says|lists under [^:]{1,80}):\s+")


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
    words = content_words(body)
    if not words:
        return SupportVerdict(False, 0.0, ("no_content",))
    passage_words = _passage_words(passage)
    score = len(words & passage_words) / len(words)
    reasons: list[str] = []
    if score < min_overlap:
        reasons.append(f"low_overlap:{score:.2f}")
    if missing := _missing_numbers(body, passage):
        reasons.append("missing_numbers:" + ",".join(missing))
    if terms := _missing_terms(body, passage, passage_words):
        reasons.append("missing_terms:" + ",".join(terms))
    if (flipped := _negation_flip(body, passage)) is not None:
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
