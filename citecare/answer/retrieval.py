"""Hybrid retrieval: dense (Chroma) + BM25, fused by reciprocal rank, de-duplicated, capped per source."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from citecare.answer.lexicon import Lexicon, normalise
from citecare.answer.query import (
    Vocabulary,
    content_terms,
    expand_lay_terms,
    lay_alternatives,
    respell_medicines,
)
from citecare.config import Settings
from citecare.protocols import DenseSearch, Embedder
from citecare.store.bm25 import Bm25Index
from citecare.types import Chunk, Hit


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for one question (the evidence gate in ``answer.evidence`` reads it)."""

    query: str  # the question after typo correction and lay-term expansion
    hits: tuple[Hit, ...]
    query_vector: tuple[float, ...]
    best_similarity: float
    overlap: float  # share of the question's content words found in the top passages


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class HybridRetriever:
    """Dense + BM25 over a snapshot of committed chunks (chunks outside it are never returned)."""

    def __init__(
        self,
        chunks: Mapping[str, Chunk],
        bm25: Bm25Index,
        dense: DenseSearch,
        embedder: Embedder,
        settings: Settings,
        lexicon: Lexicon | None = None,
        names: frozenset[str] = frozenset(),
    ) -> None:
        """``names``: words of the names the library knows, which typo correction leaves alone."""
        self.chunks = chunks
        self.bm25 = bm25
        self.dense = dense
        self.embedder = embedder
        self.settings = settings
        lexicon = lexicon or Lexicon.build(chunks)
        self.vocabulary = Vocabulary.from_counts(lexicon.vocabulary, names)
        self._df = lexicon.df
        self._n_chunks = lexicon.n_chunks
        # Content terms of the chunks that retrieval meets (all of them would take GBs at 100k chunks).
        self._terms_cache: dict[str, set[str]] = {}
        self._doc_chunks: dict[str, list[str]] = {}
        for cid, c in chunks.items():
            self._doc_chunks.setdefault(c.doc_id, []).append(cid)
        # A title index ranks whole documents: titles name the topic and, often, the question answered.
        self.titles = lexicon.titles
        # The question part of FAQ-style titles ('Lupus - What causes Lupus?'), for near-exact matches.
        self._title_ids = lexicon.titles.chunk_ids
        self._title_questions = lexicon.title_questions

    def _terms(self, cid: str) -> set[str]:
        terms = self._terms_cache.get(cid)
        if terms is None:
            if len(self._terms_cache) > 20_000:
                self._terms_cache = {}  # replaced, not cleared: a concurrent question keeps its own view
            terms = self._terms_cache[cid] = content_terms(self.chunks[cid].embedding_text())
        return terms

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's passages, in order."""
        return sorted((self.chunks[c] for c in self._doc_chunks.get(doc_id, ())), key=lambda c: c.ordinal)

    def term_weight(self, term: str) -> float:
        """Inverse document frequency over the chunks: names weigh more than everyday words."""
        return math.log(1.0 + self._n_chunks / (1.0 + self._df.get(term, 0)))

    def known_term(self, term: str) -> bool:
        """Does any passage use this stemmed content word?"""
        return term in self._df

    def prepare_query(self, question: str) -> str:
        return expand_lay_terms(self.vocabulary.correct(respell_medicines(question)))

    def retrieve(self, question: str, mode: str = "hybrid") -> Retrieval:
        """mode: "hybrid" (default), or "dense" / "bm25" alone for comparisons."""
        s = self.settings
        query = self.prepare_query(question)
        vector = self.embedder.embed_query(query)
        dense = [h for h in self.dense.query(vector, s.dense_k) if h.chunk_id in self.chunks]
        lexical = [(cid, score) for cid, score in self.bm25.search(query, s.bm25_k) if cid in self.chunks]

        fused: dict[str, float] = {}
        dense_rank: dict[str, tuple[int, float]] = {}
        bm25_rank: dict[str, tuple[int, float]] = {}
        for rank, h in enumerate(dense, start=1):
            dense_rank[h.chunk_id] = (rank, h.similarity)
            if mode != "bm25":
                fused[h.chunk_id] = fused.get(h.chunk_id, 0.0) + s.dense_weight / (s.rrf_k + rank)
        for rank, (cid, score) in enumerate(lexical, start=1):
            bm25_rank[cid] = (rank, score)
            if mode != "dense":
                fused[cid] = fused.get(cid, 0.0) + s.bm25_weight / (s.rrf_k + rank)
        if mode == "hybrid":
            for rank, (doc_id, _) in enumerate(self.titles.search(query, s.bm25_k), start=1):
                for cid in self._doc_chunks[doc_id]:
                    if cid in fused:
                        fused[cid] += s.title_weight / (s.rrf_k + rank)
            for doc_id in self._same_question(question):
                for cid in self._doc_chunks[doc_id]:
                    fused[cid] = fused.get(cid, 0.0) + s.title_weight / (s.rrf_k + 1)

        ranked = sorted(fused, key=lambda cid: fused[cid], reverse=True)
        hits = self._select(ranked, fused, dense_rank, bm25_rank)
        corrected = self.vocabulary.correct(question)
        best_similarity = max((h.similarity for h in dense), default=0.0)
        overlap = self._overlap(content_terms(corrected), lay_alternatives(corrected), hits[:3])
        return Retrieval(query, tuple(hits), tuple(vector), best_similarity, overlap)

    def _same_question(self, question: str) -> list[str]:
        """Documents whose title asks (almost) exactly this question."""
        from rapidfuzz import fuzz, process

        found = process.extract(
            normalise(question), self._title_questions, scorer=fuzz.ratio, limit=3, score_cutoff=90
        )
        return [self._title_ids[i] for _, _, i in found]

    def _select(
        self,
        ranked: list[str],
        fused: dict[str, float],
        dense_rank: dict[str, tuple[int, float]],
        bm25_rank: dict[str, tuple[int, float]],
    ) -> list[Hit]:
        """Top passages, near-duplicates collapsed, at most per_source_cap from one document."""
        s = self.settings
        chosen: list[Hit] = []
        per_doc: dict[str, int] = {}
        for cid in ranked:
            chunk = self.chunks[cid]
            if per_doc.get(chunk.doc_id, 0) >= s.per_source_cap:
                continue
            terms = self._terms(cid)
            if any(_jaccard(terms, self._terms(h.chunk.chunk_id)) >= 0.8 for h in chosen):
                continue
            d = dense_rank.get(cid)
            b = bm25_rank.get(cid)
            chosen.append(
                Hit(
                    chunk=chunk,
                    score=fused[cid],
                    dense_rank=d[0] if d else None,
                    bm25_rank=b[0] if b else None,
                    dense_score=d[1] if d else None,
                    bm25_score=b[1] if b else None,
                )
            )
            per_doc[chunk.doc_id] = per_doc.get(chunk.doc_id, 0) + 1
            if len(chosen) >= s.top_k * 2:
                break
        return chosen

    def _overlap(self, q_terms: set[str], alternatives: dict[str, set[str]], hits: list[Hit]) -> float:
        """Share of the question's content words (or their corpus stand-ins) found in the passages."""
        if not q_terms:
            return 0.0
        passage_terms: set[str] = set()
        for h in hits:
            passage_terms |= self._terms(h.chunk.chunk_id)
        found = [t for t in q_terms if t in passage_terms or alternatives.get(t, set()) & passage_terms]
        return len(found) / len(q_terms)
