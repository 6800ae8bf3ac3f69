"""The educator's view of one retrieval (ranks, scores, which passages the answer used, quarantined text)."""

from __future__ import annotations

from citecare.answer.compose import Composition
from citecare.answer.retrieval import Retrieval
from citecare.types import RetrievedInfo


def retrieved_info(found: Retrieval, composition: Composition | None) -> tuple[RetrievedInfo, ...]:
    """What the educator sees of a retrieval: every hit, its ranks and scores, whether the answer used it."""
    used = {c.chunk_id for c in composition.citations} if composition else set()
    return tuple(
        RetrievedInfo(
            chunk_id=h.chunk.chunk_id,
            doc_id=h.chunk.doc_id,
            title=h.chunk.meta.title,
            score=round(h.score, 5),
            dense_rank=h.dense_rank,
            bm25_rank=h.bm25_rank,
            dense_score=round(h.dense_score, 4) if h.dense_score is not None else None,
            text=h.chunk.text,
            used=h.chunk.chunk_id in used,
            quarantined=h.chunk.quarantined,
        )
        for h in found.hits
    )
