"""Words: content-word extraction, lay-term expansion and typo correction against the corpus vocabulary."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from citecare.safety.drug_names import drug_names
from citecare.text import is_english_word, stem, words

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "few", "for", "from", "further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll", "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "let's", "me", "more", "most", "mustn't", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "shan't", "she", "she'd", "she'll", "she's", "should", "shouldn't", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they'd", "they'll", "they're", "they've", "this", "those", "through", "to", "too", "under", "until", "till", "til", "up", "very", "was", "wasn't", "we", "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "what's", "when", "when's", "where", "where's", "which", "while", "who", "who's", "whom", "why", "why's", "with", "won't", "would", "wouldn't", "you", "you'd", "you'll", "you're", "you've", "your", "yours", "yourself", "yourselves", "will", "just", "also", "get", "got", "really", "much", "many", "please", "tell", "know", "want", "need", "thing", "things", "like", "take", "taking", "took", "use", "used", "using", "way", "ok", "okay", "hi", "hello", "thanks", "thank", "dear", "s", "t", "is", "are", "am", "be", "i'm", "ive", "im", "dont", "doesnt", "cant", "wont", "isnt",
     # texting fillers: "how many people have it tho" (answers-dev-13) needed a passage with "tho" in it
     "tho", "though", "lol", "pls", "plz", "btw", "thx", "tbh", "idk", "ur", "ya", "haha", "omg", "hmm", "cuz", "coz",
     "wanna", "gonna", "kinda", "sorta", "actually", "anyway", "honestly", "basically", "literally"]
)

# Question words that carry no topic: they are kept out of overlap and follow-up topic detection.
GENERIC_QUESTION_WORDS = frozenset(
    ["what", "whats", "how", "why", "when", "where", "which", "who", "whom", "is", "are", "can", "could", "should", "would", "will", "does", "do", "did", "mean", "means", "meaning", "cause", "causes", "caused", "happen", "happens", "help", "helps", "work", "works", "good", "bad", "safe", "okay", "normal", "common", "usual", "treat", "treated", "treatment", "treatments", "about", "tell", "explain", "information", "info"]
)

# Lay words → corpus words, appended to the query (never replacing what the patient said).
LAY_TERMS_FILE = Path(__file__).resolve().parents[1] / "data" / "vocab" / "lay_terms.toml"


@lru_cache(maxsize=1)
def _reviewed_lay_terms() -> dict[str, str]:
    """The reviewed lay words (``citecare/data/vocab/lay_terms.toml``), in file order."""
    with LAY_TERMS_FILE.open("rb") as f:
        terms = tomllib.load(f)["terms"]
    return {str(lay).lower(): str(target) for lay, target in terms.items()}


@lru_cache(maxsize=1)
def lay_terms() -> dict[str, str]:
    """The reviewed lay words plus brand names, aliases and misspellings → the generic name documents use, from the ONE
    medicines vocabulary (``citecare/data/vocab/medicines.toml``); loaded on first use, not at import."""
    from citecare.vocab import load_medicines

    out = dict(_reviewed_lay_terms())
    for form, generic in load_medicines().brand_expansions().items():
        out.setdefault(form, generic)
    return out

# Names the composer and conversation treat as topics (the corpus adds its own from titles).
KNOWN_TOPICS: tuple[str, ...] = (
    "immunosuppressants",
    "corticosteroids",
    "prednisone",
    "methotrexate",
    "tnf inhibitors",
    "biologic agents",
    "rheumatoid arthritis",
    "lupus",
    "multiple sclerosis",
    "chronic pain",
    "inflammation",
)


def content_terms(text: str, *, drop_generic: bool = True) -> set[str]:
    """Stemmed content words of a text."""
    out = set()
    for w in words(text):
        w = w.strip("'-")
        if len(w) < 2 or w in STOPWORDS or (drop_generic and w in GENERIC_QUESTION_WORDS):
            continue
        out.add(stem(w))
    return out


def lay_alternatives(text: str) -> dict[str, set[str]]:
    """For each content word of a lay phrase in the text, the corpus words that can stand for it."""
    lowered = " " + " ".join(words(text)) + " "
    alternatives: dict[str, set[str]] = {}
    for lay, target in lay_terms().items():
        if f" {lay} " in lowered:
            stand_ins = content_terms(target, drop_generic=False)
            for term in content_terms(lay, drop_generic=False):
                alternatives.setdefault(term, set()).update(stand_ins)
    return alternatives


@lru_cache(maxsize=1)
def _misspelled_medicines() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    from citecare.vocab import load_medicines

    names = load_medicines().misspellings()
    forms = sorted(names, key=len, reverse=True)
    if not forms:
        return None, names
    words_of = (r"\s+".join(re.escape(w) for w in f.split()) for f in forms)
    return re.compile(r"(?<![\w'-])(?:" + "|".join(words_of) + r")(?![\w'-])", re.I), names


def respell_medicines(text: str) -> str:
    """A medicine written with a misspelling the vocabulary lists, written as its generic name, for retrieval:
    "what does hydro coding acet 5-325" searched as written found its label too weakly to answer (the lay terms
    only append the generic name)."""
    pattern, names = _misspelled_medicines()
    if pattern is None:
        return text
    return pattern.sub(lambda m: names.get(" ".join(m.group(0).lower().split()), m.group(0)), text)


def expand_lay_terms(text: str) -> str:
    """Append corpus words for lay words the text uses."""
    lowered = " " + " ".join(words(text)) + " "
    extra = [target for lay, target in lay_terms().items() if f" {lay} " in lowered]
    return text if not extra else f"{text} {' '.join(dict.fromkeys(extra))}"


def without_lay_expansion(query: str) -> str:
    """The question a query was expanded from (``expand_lay_terms`` appends corpus words): how it was written."""
    cut = len(query)
    while (cut := query.rfind(" ", 0, cut)) > 0:
        if expand_lay_terms(query[:cut]) == query:
            return query[:cut]
    return query


def another_medicine(word: str, correction: str) -> bool:
    """Would the correction turn one real medicine's name into something else (the drug dictionary the guard
    reads)? "fosamax" is not a typo of "foams", nor "prednisolone" one of "prednisone": a medicine the sources
    never discuss stays as asked, so the answer can say it is not covered. "methotrexat" (a spelling of
    methotrexate) still becomes "methotrexate"."""
    names = drug_names()
    return word in names.names and not names.same_medicine(word, correction)


class Vocabulary:
    """Corpus words, for correcting typos in drug and condition names.

    ``names``: words of names the library knows (title topics, medicine forms). One of them is corrected only
    into another, even when no passage uses it as written: "immune suppressing" is not a typo of "immune
    suppression", "cushing" (of "Cushing's syndrome") not one of "causing", "eliquis" not one of "liquids"."""

    def __init__(self, texts: Iterable[str], names: frozenset[str] = frozenset()) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w for w in words(text) if len(w) >= 4 and w.isalpha())
        self._use(counts, names)

    @classmethod
    def from_counts(cls, counts: dict[str, int], names: frozenset[str] = frozenset()) -> Vocabulary:
        """From word counts computed earlier (the persisted lexicon)."""
        vocabulary = cls.__new__(cls)
        vocabulary._use(counts, names)
        return vocabulary

    def _use(self, counts: dict[str, int], names: frozenset[str]) -> None:
        self.counts = counts
        self.names = names
        self._choices = [w for w in counts if len(w) >= 5]

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def correct(self, text: str) -> str:
        """Replace unknown long words by the closest corpus word ('methotrexat' → 'methotrexate'); a real English
        word is never replaced ('brother' is not a typo of 'other')."""
        from rapidfuzz import fuzz, process

        out = []
        for token in re.split(r"(\W+)", self.join_split_words(text)):
            low = token.lower()
            if len(low) >= 5 and low.isalpha() and low not in self.counts and low not in STOPWORDS and \
                    not is_contraction(low) and not is_english_word(low):
                match = process.extractOne(low, self._choices, scorer=fuzz.ratio, score_cutoff=82)
                # A known name becomes only another known name ("immunosupressants" → "immunosuppressants").
                if match is not None and (low not in self.names or match[0] in self.names) and \
                        not another_medicine(low, match[0]):
                    out.append(match[0])
                    continue
            out.append(token)
        return "".join(out)


    def join_split_words(self, text: str) -> str:
        """Two words the sources write as one, when one of them is no corpus word: 'post herpetic' →
        'postherpetic', 'immuno suppressants' → 'immunosuppressants' (not 'post therapeutic')."""

        def joined(m: re.Match[str]) -> str:
            first, second = m.group(1), m.group(2)
            whole = (first + second).lower()
            if whole in self.counts and (first.lower() not in self.counts or second.lower() not in self.counts):
                return first  # the separator goes; the second word stays where it is
            return m.group(0)

        return _SPLIT_PAIR.sub(joined, text)


# Both parts of four letters or more: "for ms" is not "forms", nor "every day" "everyday".
_SPLIT_PAIR = re.compile(r"\b([A-Za-z]{4,})[ -](?=([A-Za-z]{4,})\b)")


def is_contraction(word: str) -> bool:
    """A contraction written without its apostrophe ("shouldnt", "theyre"): never a typo to correct, or "who
    shouldnt take it" would become "who should take it"."""
    return any(f"{word[:i]}'{word[i:]}" in STOPWORDS for i in range(1, len(word)))
