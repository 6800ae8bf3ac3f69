"""Find the clinical concepts of ``concepts.toml`` in a message, in any word order, tolerant of typos.

Words are compared by their stems (one stemmer for the project, ``citecare.text.stem``), after known typos
and texting forms are fixed and long unknown words are snapped to the closest concept word. A concept with
``groups`` is found when each group has a term within ``window`` words of the others in the same sentence,
whatever the order ("my chest feels tight" and "tightness in the chest").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from citecare.safety.rules import ConceptSpec, SafetyRules
from citecare.text import fold, is_english_word, stem

# A dash between spaces is a token, so that a question can open after it: "making a first aid poster for our scout hall
# - what's the treatment for anaphylaxis" (the question-opening modifier in context.toml). It ends no sentence:
# "…had to go to hospital - all fine" is one event and its outcome.
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.!?;]|\n|(?<=\s)[-–—](?=\s)")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_SENTENCE_END = {".", "!", "?", ";", "\n"}


@dataclass(frozen=True)
class Token:
    text: str  # normalised (typos fixed), as matched
    stem: str
    start: int  # character offsets in the normalised text
    end: int
    sentence: int


@dataclass(frozen=True)
class ConceptMatch:
    concept: str
    kind: str
    start: int  # token index, inclusive
    end: int  # token index, exclusive
    sentence: int
    phrase: bool = False  # matched by one of the concept's own phrases (its words are the concept's)


def normalise(text: str, typos: dict[str, str]) -> str:
    """Lower case, accents and curly quotes straightened, known typos and texting forms fixed."""
    folded = fold(text.translate(_QUOTES))
    return re.sub(r"[a-z0-9']{1,40}", lambda m: typos.get(m.group(0), m.group(0)), folded)


def tokenize(normalised: str) -> list[Token]:
    tokens: list[Token] = []
    sentence = 0
    for m in _TOKEN.finditer(normalised):
        word = m.group(0)
        if word in _SENTENCE_END:
            if tokens and tokens[-1].sentence == sentence:
                sentence += 1
            continue
        tokens.append(Token(word, stem(word), m.start(), m.end(), sentence))
    return tokens


def phrase_words(text: str, typos: dict[str, str]) -> tuple[str, ...]:
    """The words of a text as the rules read them (lower case, typos fixed, punctuation dropped)."""
    return tuple(t.text for t in tokenize(normalise(text, typos)))


def says_phrase(words: Sequence[str], phrase: Sequence[str]) -> bool:
    """``phrase`` is in ``words`` as whole words in a row."""
    n = len(phrase)
    return n > 0 and any(tuple(words[i : i + n]) == tuple(phrase) for i in range(len(words) - n + 1))


_EXACT = "\x00exact"


def _term_stems(term: str, typos: dict[str, str]) -> tuple[str, ...]:
    return tuple(t.stem for t in tokenize(normalise(term, typos)))


def _term_words(term: str, typos: dict[str, str]) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(normalise(term, typos)))


class ConceptMatcher:
    """All concepts of the rules, compiled once; ``find`` is linear in the message length."""

    def __init__(self, rules: SafetyRules) -> None:
        self.rules = rules
        self.concepts = rules.concepts
        typos = rules.typos
        # first stem -> [(stems, concept, group index or -1 for a phrase)]
        self._index: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
        words: set[str] = set()
        for spec in self.concepts.values():
            entries = ([(p, -1, spec.exact) for p in spec.phrases] + [(p, -1, True) for p in spec.exact_phrases]
                       + [(t, g, spec.exact) for g, terms in enumerate(spec.groups) for t in terms])
            for term, group, exact in entries:
                stems = _term_stems(term, typos)
                if stems:
                    # Indexed by first stem either way; an exact entry then compares the words as written.
                    seq = (_EXACT, *_term_words(term, typos)) if exact else stems
                    self._index.setdefault(stems[0], []).append((seq, spec.name, group))
                words.update(w for w in re.findall(r"[a-z]+", fold(term)) if len(w) >= 5)
        self._vocabulary = tuple(sorted(words))

    def tokens(self, text: str, *, snap: bool = True) -> tuple[str, list[Token]]:
        """The normalised text and its tokens; with ``snap``, long unknown words are snapped to concept words
        (for patients' typing; edited source text does not need it)."""
        norm = normalise(text, self.rules.typos)
        tokens = tokenize(norm)
        if not snap:
            return norm, tokens
        fixed = [t if t.stem in self._index or len(t.text) < 5 or is_english_word(t.text) else self._snap(t)
                 for t in tokens]
        return norm, fixed

    def first_words(self, concept: str) -> tuple[str, ...]:
        """The first words of a concept's phrases and terms (for cheap pre-filters)."""
        spec = self.concepts[concept]
        terms = list(spec.phrases) + list(spec.exact_phrases) + [t for group in spec.groups for t in group]
        return tuple(sorted({fold(t).split()[0] for t in terms if t.strip()}))

    def _snap(self, token: Token) -> Token:
        close = _closest(token.text, self._vocabulary)
        return token if close is None else Token(close, stem(close), token.start, token.end, token.sentence)

    def find(
        self, text: str, *, snap: bool = True, only: frozenset[str] | None = None
    ) -> tuple[str, list[Token], list[ConceptMatch]]:
        norm, tokens = self.tokens(text, snap=snap)
        return norm, tokens, self.find_in(norm, tokens, only)

    def find_in(self, norm: str, tokens: list[Token], only: frozenset[str] | None = None) -> list[ConceptMatch]:
        """Every concept found (or only those in ``only``)."""
        stems = [t.stem for t in tokens]
        phrase_hits: list[ConceptMatch] = []
        group_hits: dict[str, dict[int, list[tuple[int, int]]]] = {}
        words = [t.text for t in tokens]
        for i, s in enumerate(stems):
            for seq, concept, group in self._index.get(s, ()):
                if only is not None and concept not in only:
                    continue
                exact = seq[0] == _EXACT
                want = seq[1:] if exact else seq
                end = i + len(want)
                got = tuple(words[i:end]) if exact else tuple(stems[i:end])
                if got != want or end > len(tokens) or tokens[end - 1].sentence != tokens[i].sentence:
                    continue
                if group < 0:
                    phrase_hits.append(ConceptMatch(concept, self.concepts[concept].kind, i, end,
                                                    tokens[i].sentence, phrase=True))
                else:
                    group_hits.setdefault(concept, {}).setdefault(group, []).append((i, end))
        found = phrase_hits
        for concept, by_group in group_hits.items():
            found.extend(self._grouped(self.concepts[concept], by_group, tokens))
        found.extend(self._regex_hits(norm, tokens, only))
        return _dedupe(found)

    @staticmethod
    def _grouped(
        spec: ConceptSpec, by_group: dict[int, list[tuple[int, int]]], tokens: list[Token]
    ) -> Iterable[ConceptMatch]:
        if len(by_group) < len(spec.groups):
            return []
        out = []
        starts = {g: [s for s, _ in sorted(by_group[g])] for g in by_group}
        ends = {g: [e for _, e in sorted(by_group[g])] for g in by_group}
        for start, end in by_group[0]:
            span = [start, end]
            ok = True
            for g in range(1, len(spec.groups)):
                # occurrences of group g that begin within `window` words either side (bisect: no quadratic scan)
                lo = bisect_left(starts[g], start - spec.window - 4)
                hi = bisect_right(starts[g], end + spec.window)
                near = [
                    (s, e) for s, e in zip(starts[g][lo:hi], ends[g][lo:hi], strict=True)
                    if tokens[s].sentence == tokens[start].sentence
                    and min(abs(s - start), abs(e - end), abs(s - end), abs(start - e)) <= spec.window
                ]
                if not near:
                    ok = False
                    break
                s, e = min(near, key=lambda se: abs(se[0] - start))
                span = [min(span[0], s), max(span[1], e)]
            if ok:
                out.append(ConceptMatch(spec.name, spec.kind, span[0], span[1], tokens[start].sentence))
        return out

    def _regex_hits(self, norm: str, tokens: list[Token], only: frozenset[str] | None) -> Iterable[ConceptMatch]:
        if not tokens:
            return []
        out = []
        token_ends = [t.end for t in tokens]
        token_starts = [t.start for t in tokens]
        for spec in self.concepts.values():
            if only is not None and spec.name not in only:
                continue
            for pattern in spec.regex:
                for m in pattern.finditer(norm):
                    # a pattern may name the part that is the concept, the rest being the frame it needs around it
                    start, end = m.span("concept") if "concept" in pattern.groupindex else m.span()
                    first = bisect_right(token_ends, start)
                    last = bisect_left(token_starts, end) - 1
                    if first <= last:
                        out.append(ConceptMatch(spec.name, spec.kind, first, last + 1, tokens[first].sentence))
        return out


def _dedupe(matches: list[ConceptMatch]) -> list[ConceptMatch]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for m in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        key = (m.concept, m.start, m.end)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


@lru_cache(maxsize=20_000)
def _closest_cached(word: str, vocabulary: tuple[str, ...]) -> str | None:
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=86)
    return None if found is None else str(found[0])


def _closest(word: str, vocabulary: tuple[str, ...]) -> str | None:
    """The concept word a long unknown word is a typo of ("brething" → "breathing"), or None."""
    return _closest_cached(word, vocabulary)
