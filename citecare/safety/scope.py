"""Input, scope and language checks, and prompt-injection stripping (word lists in ``scope.toml``)."""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache

from citecare.safety.drug_names import drug_names
from citecare.safety.rules import ScopeData
from citecare.vocab import Medicines

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_WORDS = re.compile(r"[^\W\d_]{1,40}(?:['-][^\W\d_]{1,40}){0,3}")
_MED_WORD = re.compile(
    r"\b(?:meds?|medic(?:ine|ines|ation|ations)|pills?|tablets?|capsules?|doses?|dosage|dosing|drugs?|injections?|"
    r"shots?|jabs?|infusions?|prescriptions?|treatment|therapy|patch(?:es)?|mg|mgs|milligrams?|mcg)\b"
    r"|\b\d{1,5}(?:[.,]\d{1,3})?\s?(?:mg|mcg|ml|milligrams?)\b"
)
ENGLISH_THRESHOLD = 0.5


def clean_question(raw: str, max_chars: int) -> tuple[str, bool]:
    """Strip control and invisible characters, normalise whitespace, truncate. Returns (text, too_long)."""
    raw = raw[: max_chars * 8]  # bounded work whatever arrives
    text = " ".join(_CONTROL_RE.sub(" ", unicodedata.normalize("NFC", raw)).split())
    return text[:max_chars], len(text) > max_chars


def is_junk(text: str) -> bool:
    """True when a message has no word-like token, or mostly long letter/digit blobs (e.g. base64)."""
    tokens = text.split()
    wordy = [t for t in tokens if _is_wordy(t)]
    return not wordy or len(wordy) < 0.3 * len(tokens)


def _is_wordy(token: str) -> bool:
    core = token.strip(string.punctuation + "¿¡«»…")
    core = core.replace("'", "").replace("-", "").replace("’", "")
    return bool(core) and core.isalpha() and (len(core) <= 30 or not core.isascii())


class ScopeChecks:
    def __init__(self, data: ScopeData, medicines: Medicines) -> None:
        self.data = data
        self.medicines = medicines
        self._fuzzy_vocab = tuple(sorted(w for w in data.medical_words if len(w) >= 5))

    @staticmethod
    def _norm(text: str) -> str:
        return text.lower().translate(_QUOTES)

    def injected(self, text: str) -> bool:
        norm = self._norm(text)
        return any(p.search(norm) for p in self.data.injection)

    def strip_injection(self, text: str) -> str:
        """Remove the injected directive words so retrieval (and an LLM writer) sees only the real question."""
        lowered = self._norm(text)
        if len(lowered) != len(text):  # a few Unicode letters change length when lower-cased
            return text
        spans = sorted(m.span() for p in self.data.injection for m in p.finditer(lowered))
        out, last = [], 0
        for start, end in spans:
            if start < last:
                continue
            out.append(text[last:start])
            last = end
        out.append(text[last:])
        stripped = " ".join("".join(out).split()).strip(" .,:;-")
        stripped = re.sub(r"^(?:and|then|now|so)\b\s{0,5}", "", stripped, flags=re.IGNORECASE)
        return stripped or text

    def mentions_medicine(self, text: str) -> bool:
        """A medicine of the vocabulary, a word for medicines, or any drug name the guard knows ("can my 3yo have
        half of my cetirizine" was not read as health-related: the vocabulary lacks cetirizine)."""
        return bool(self.medicines.mentions(text) or _MED_WORD.search(self._norm(text)) or drug_names().find(text))

    def looks_medical(self, text: str) -> bool:
        """Lexical: health words, medicine names, or close misspellings of health words."""
        if self.mentions_medicine(text):
            return True
        words = _WORDS.findall(self._norm(text))
        if any(w in self.data.medical_words for w in words):
            return True
        return any(_fuzzy(w, self._fuzzy_vocab) for w in words[:200] if len(w) >= 5 and w not in self.data.english_words)

    def english_likelihood(self, text: str) -> float:
        """0..1: share of recognised words that are English rather than another language (0.5: none known)."""
        words = _WORDS.findall(text[:5000].lower())
        english = foreign = 0
        for w in words[:300]:
            if w in self.data.english_words or w in self.data.medical_words or self.medicines.canonical(w):
                english += 1
            elif w in self.data.foreign_words or not w.isascii():
                foreign += 1
        if english + foreign == 0:
            return 0.5 if words else 0.0
        return english / (english + foreign)

    def is_probably_english(self, text: str) -> bool:
        return self.english_likelihood(text) >= ENGLISH_THRESHOLD

    def out_of_scope_reason(self, text: str, medical: bool, injected: bool) -> str | None:
        """Why a message is out of scope, or None."""
        norm = self._norm(text)
        if any(p.search(norm) for p in self.data.creative_task):
            return "scope:creative_or_coding_task"
        if medical:
            return None
        if any(p.search(norm) for p in self.data.off_topic_task) or any(
            w in self.data.off_topic_words for w in _WORDS.findall(norm)
        ):
            return "scope:off_topic"
        if injected:
            return "injection:no_health_question"
        if any(p.search(norm) for p in self.data.chit_chat):
            return "scope:chit_chat"
        return None


@lru_cache(maxsize=20_000)
def _fuzzy_cached(word: str, vocabulary: tuple[str, ...]) -> bool:
    from rapidfuzz import fuzz, process

    return process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=87) is not None


def _fuzzy(word: str, vocabulary: tuple[str, ...]) -> bool:
    return _fuzzy_cached(word, vocabulary)
