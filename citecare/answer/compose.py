"""The default, extractive answer writer: source sentences only, each with its [n] citation."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from citecare.answer.query import content_terms
from citecare.protocols import Embedder
from citecare.types import Citation, Hit

# Leading connectors that only make sense inside the original paragraph; trimming them adds no claim.
_CONNECTOR = re.compile(
    r"^(however|in addition|additionally|furthermore|moreover|also|in summary|in conclusion|"
    r"therefore|thus|in these cases|as a result|overall|finally|for example)\s*,\s*",
    re.IGNORECASE,
)
_DANGLING = re.compile(
    r"\b(to|of|and|or|the|a|an|with|for|in|on|by|from|as|that|which|than|related|such|including|include|are|is|"
    r"have|has|can|may|will|be|been|was|were|not|into|at|about|because|while|when|if|but|often)$",
    re.IGNORECASE,
)
_ASKS_DEFINITION = re.compile(
    r"^\s*what\s*(is|are|'s)\s+(\(are\)\s+)?(?!the\b|a\b|an\b|some\b|my\b|your\b)", re.IGNORECASE
)
_DEFINITION = re.compile(r"^[\w'-]+(\s[\w'-]+){0,3}\s(is|are)\s(a|an|the|one|any)\b", re.IGNORECASE)
_CONTINUES = re.compile(r"^(since|because|this|these|they|it|such|that is why|as a result)\b", re.IGNORECASE)
_MIN_WORDS = 5
_EMBED_AT_MOST = 24
_CACHE_SENTENCES = 50_000  # ~75 MB of float32 vectors at most
_MAX_WORDS = 60


@dataclass(frozen=True)
class Candidate:
    hit_index: int  # position of the passage in the retrieved list
    position: int  # sentence position inside the passage
    source_sentence: str  # exactly as in the passage
    text: str  # lightly trimmed, shown to the patient


@dataclass(frozen=True)
class Composition:
    text: str
    citations: tuple[Citation, ...]
    used: tuple[Candidate, ...]
    best_similarity: float = 0.0  # cosine of the question to its closest source sentence


def _is_fragment(sentence: str, *, starts_document: bool = False) -> bool:
    """Questions, list lead-ins, and pieces of a sentence cut where a long passage was split."""
    text = sentence.strip()
    if text.endswith(("?", ":", ",", ";")):
        return True
    if text[:1].islower() and not starts_document:
        return True  # the tail of a sentence that began in the previous chunk
    return bool(_DANGLING.search(text.rstrip(".!\"')]”’ ")) and not text.endswith((".", "!")))


def trim(sentence: str) -> str:
    """Drop a leading connector and tidy spacing; never adds words."""
    out = _CONNECTOR.sub("", sentence.strip())
    out = re.sub(r"\s+", " ", out)
    return out[:1].upper() + out[1:] if out else out


def _candidates(hits: Sequence[Hit]) -> list[Candidate]:
    from citecare.text import split_sentences

    out: list[Candidate] = []
    for i, hit in enumerate(hits):
        blocked = set(hit.chunk.quarantined)
        for pos, sentence in enumerate(split_sentences(hit.chunk.text)):
            n_words = len(sentence.split())
            if sentence in blocked or not (_MIN_WORDS <= n_words <= _MAX_WORDS):
                continue
            if _is_fragment(sentence, starts_document=hit.chunk.ordinal == 0 and pos == 0):
                continue  # list lead-ins, questions and pieces cut at a chunk edge are not answers
            out.append(Candidate(i, pos, sentence, trim(sentence)))
    return out


class ExtractiveComposer:
    """Relevance + diversity (MMR) over the sentences of the retrieved passages."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        max_sentences: int = 5,
        diversity: float = 0.3,
        term_weight: Callable[[str], float] | None = None,
        stored: Callable[[Sequence[str]], Mapping[str, Mapping[int, np.ndarray]]] | None = None,
    ) -> None:
        self.embedder = embedder
        # Sentence vectors computed at ingest (chunk id → sentence position → vector); others are embedded here.
        self.stored = stored
        self.max_sentences = max_sentences
        self.diversity = diversity
        # Rare words (drug and condition names) matter more than common ones when matching sentences.
        self.term_weight = term_weight or (lambda term: 1.0)
        self._vectors: dict[str, np.ndarray] = {}

    def compose(
        self,
        question: str,
        query_vector: Sequence[float],
        hits: Sequence[Hit],
        *,
        outdated: Sequence[bool] | None = None,
        allow: Callable[[str], bool] | None = None,
    ) -> Composition:
        """The answer: the best source sentences, each cited. ``allow`` (the output policy) vetoes sentences:
        one for which it returns False is never quoted."""
        candidates = [c for c in _candidates(hits) if allow is None or allow(c.source_sentence)]
        candidates = self._shortlist(question, candidates)
        if not candidates:
            return Composition("", (), ())
        relevance, vectors, semantic = self._relevance(question, query_vector, hits, candidates)
        best = float(semantic.max())
        top = [j for j, c in enumerate(candidates) if c.hit_index == min(c.hit_index for c in candidates)]
        chosen = self._with_follow_on(self._mmr(relevance, vectors, top), candidates)
        if not chosen:
            return Composition("", (), (), best)
        first, rest = chosen[0], chosen[1:]
        rest.sort(key=lambda j: (candidates[j].hit_index, candidates[j].position))
        used = [candidates[j] for j in [first, *rest]]
        return replace(self._render(used, hits, outdated), best_similarity=best)

    def _stored_vectors(self, hits: Sequence[Hit], cands: list[Candidate]) -> dict[str, np.ndarray]:
        if self.stored is None:
            return {}
        stored = self.stored([h.chunk.chunk_id for h in hits])
        found = {}
        for c in cands:
            vec = stored.get(hits[c.hit_index].chunk.chunk_id, {}).get(c.position)
            if vec is not None:
                found[c.source_sentence] = vec
        return found

    def _sentence_vectors(self, sentences: list[str], known: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """Embeddings of source sentences, remembered: questions keep landing on the same passages."""
        found: dict[str, np.ndarray] = dict(known or {})
        found.update((t, v) for t in dict.fromkeys(sentences) if t not in found and (v := self._vectors.get(t)) is not None)
        missing = [t for t in dict.fromkeys(sentences) if t not in found]
        if missing:
            if len(self._vectors) + len(missing) > _CACHE_SENTENCES:
                self._vectors = {}  # replaced, not cleared: a concurrent answer keeps its own view
            for text, vec in zip(missing, self.embedder.embed_documents(missing), strict=True):
                found[text] = self._vectors[text] = np.asarray(vec, dtype=np.float32)
        return np.stack([found[t] for t in sentences])

    def _shortlist(self, question: str, cands: list[Candidate]) -> list[Candidate]:
        """Only the likeliest sentences are embedded: embedding is most of an answer's time."""
        if len(cands) <= _EMBED_AT_MOST:
            return cands
        q_terms = content_terms(question)

        def cheap(c: Candidate) -> float:
            shared = sum(self.term_weight(t) for t in q_terms & content_terms(c.source_sentence))
            return shared + 1.0 / (1.0 + c.hit_index)

        keep = set(sorted(range(len(cands)), key=lambda j: cheap(cands[j]), reverse=True)[:_EMBED_AT_MOST])
        keep |= {j for j, c in enumerate(cands) if c.hit_index == cands[0].hit_index}
        return [c for j, c in enumerate(cands) if j in keep]

    def _relevance(
        self, question: str, query_vector: Sequence[float], hits: Sequence[Hit], cands: list[Candidate]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        vectors = self._sentence_vectors([c.source_sentence for c in cands], self._stored_vectors(hits, cands))
        q = np.asarray(query_vector, dtype=np.float32)
        semantic = vectors @ q
        q_terms = content_terms(question)
        total = sum(self.term_weight(t) for t in q_terms) or 1.0
        lexical = np.array(
            [sum(self.term_weight(t) for t in q_terms & content_terms(c.source_sentence)) / total for c in cands],
            dtype=np.float32,
        )
        # Earlier passages ranked better; a small prior keeps the answer anchored in the best source.
        rank_prior = np.array([1.0 / (1.0 + 0.15 * c.hit_index) for c in cands], dtype=np.float32)
        # "What is X?" is best answered by a sentence that says what X is.
        defines = np.array(
            [0.1 if _ASKS_DEFINITION.match(question) and _DEFINITION.match(c.text) else 0.0 for c in cands],
            dtype=np.float32,
        )
        return 0.6 * semantic + 0.3 * lexical + 0.1 * rank_prior + defines, vectors, semantic

    def _with_follow_on(self, chosen: list[int], cands: list[Candidate]) -> list[int]:
        """Keep sentences that lean on a neighbour together with it.

        A chosen sentence that starts "This approach…" gets the sentence it refers to put before it; a
        chosen sentence followed by one that continues it ("…come with risks. Since they…") gets that one.
        """
        position = {(c.hit_index, c.position): j for j, c in enumerate(cands)}
        out = list(chosen)
        for j in chosen:
            prev = position.get((cands[j].hit_index, cands[j].position - 1))
            if prev is None or prev in out or not _CONTINUES.match(cands[j].source_sentence):
                continue
            if len(out) <= self.max_sentences:  # context may take the answer one sentence past the cap
                out.insert(out.index(j), prev)
        for j in list(out):
            nxt = position.get((cands[j].hit_index, cands[j].position + 1))
            if len(out) >= self.max_sentences:
                break
            if nxt is not None and nxt not in out and _CONTINUES.match(cands[nxt].source_sentence):
                out.insert(out.index(j) + 1, nxt)
        return out

    def _mmr(self, relevance: np.ndarray, vectors: np.ndarray, from_top_passage: list[int]) -> list[int]:
        best = float(relevance.max())
        floor = max(0.25, best * 0.6)  # sentences much weaker than the best one would be padding
        chosen: list[int] = []
        # The answer opens with the best sentence of the best-ranked passage: its source is the one
        # retrieval trusts most, so the first citation points at the right document.
        anchor = max(from_top_passage, key=lambda j: float(relevance[j]), default=None)
        if anchor is not None:
            chosen.append(anchor)
        remaining = set(range(len(relevance))) - set(chosen)
        while remaining and len(chosen) < self.max_sentences:
            def score(j: int) -> float:
                redundancy = max((float(vectors[j] @ vectors[k]) for k in chosen), default=0.0)
                return (1 - self.diversity) * float(relevance[j]) - self.diversity * redundancy

            j = max(remaining, key=score)
            remaining.discard(j)
            if float(relevance[j]) < floor:
                break
            if chosen and max(float(vectors[j] @ vectors[k]) for k in chosen) > 0.9:
                continue  # says the same thing again
            chosen.append(j)
        return chosen

    @staticmethod
    def _render(used: list[Candidate], hits: Sequence[Hit], outdated: Sequence[bool] | None) -> Composition:
        numbers: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        parts: list[str] = []
        for cand in used:
            n = numbers.setdefault(cand.hit_index, len(numbers) + 1)
            quotes.setdefault(cand.hit_index, []).append(cand.source_sentence)
            parts.append(f"{cand.text} [{n}]")
        citations = []
        for hit_index, n in numbers.items():
            chunk = hits[hit_index].chunk
            citations.append(
                Citation(
                    n=n,
                    doc_id=chunk.doc_id,
                    chunk_id=chunk.chunk_id,
                    title=chunk.meta.title,
                    source=chunk.meta.publisher,
                    url=chunk.meta.url,
                    reviewed=chunk.meta.reviewed,
                    passage=chunk.text,
                    quote=quotes[hit_index][0],
                    quotes=tuple(quotes[hit_index]),
                    outdated=bool(outdated[hit_index]) if outdated else False,
                )
            )
        return Composition(" ".join(parts), tuple(citations), tuple(used))
