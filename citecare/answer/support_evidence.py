"""The surface evidence a support check weighs: content words, numbers with units, drug and condition names,
and negation flips between a sentence and its passage (used by :mod:`citecare.answer.verify`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from citecare.text import split_sentences, stem, strip_markers

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
def passage_words(passage: str) -> frozenset[str]:
    return frozenset(content_words(passage))


def missing_numbers(sentence: str, passage: str) -> list[str]:
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


def missing_terms(sentence: str, passage: str, passage_words: frozenset[str]) -> list[str]:
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


def negation_flip(sentence: str, passage: str) -> str | None:
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


