"""Deterministic fakes for the seams (unit tests of the flow only; end-to-end tests use the real parts)."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator, Sequence
from typing import Any

from citecare.store.bm25 import Bm25Index
from citecare.store.snapshot import IndexSnapshot
from citecare.types import Answer, Chunk, Citation, DenseHit, LibraryOverview, SourceMeta, StreamEvent, Turn


class FakeEmbedder:
    """Bag-of-words hashing embedder: same text, same vector; shared words, closer vectors."""

    dimension = 64

    def _vec(self, text: str) -> list[float]:
        v = [0.0] * self.dimension
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            v[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def count_tokens(self, text: str) -> int:
        return len(text.split())


class FakeEngine:
    """Answers every question with one fixed cited sentence; 'emergency' in the text triggers that kind."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        self.questions.append(question)
        if "emergency" in question.lower():
            return Answer(kind="emergency", text="Call 911 now.", disclaimer="Not medical advice.",
                          resolved_question=question)
        quote = "Regular blood tests can help track potential side effects."
        cite = Citation(n=1, doc_id="seed", chunk_id="seed-1", title="Immunosuppressants", source="CiteCare",
                        url="", reviewed="2024-05", passage=f"Patients are monitored. {quote}", quote=quote)
        return Answer(kind="answer", text=f"{quote} [1]", citations=(cite,), disclaimer="Not medical advice.",
                      resolved_question=question, timings_ms={"guard": 0.1, "retrieve": 1.0, "compose": 0.5,
                                                              "total": 1.6})

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        answer = self.ask(question, history)
        for word in answer.text.split(" "):
            yield StreamEvent(delta=word + " ")
        yield StreamEvent(answer=answer)

    ready = True  # set False to show the "starting…" state

    def health(self) -> dict[str, Any]:
        return {"ok": True, "ready": self.ready, "documents": 1, "chunks": 1}

    def overview(self) -> LibraryOverview:
        if not self.ready:
            raise RuntimeError("still starting")  # as the app's EngineStarter does
        return LibraryOverview(documents=1, topics=("immunosuppressants",), publishers=("CiteCare",),
                               examples=("Why do I need blood tests?", "What are the risks of immunosuppressants?"))

    def suggest_follow_ups(self, answer: Answer, history: Sequence[Turn] = ()) -> list[str]:
        return ["What are the risks of immunosuppressants?"] if answer.kind == "answer" else []


class InMemoryDense:
    """Exact cosine search over vectors held in memory (the shape of Chroma's query)."""

    def __init__(self, ids: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        self.ids = list(ids)
        self.vectors = [list(v) for v in vectors]

    def query(self, vector: Sequence[float], k: int) -> list[DenseHit]:
        scored = [(sum(a * b for a, b in zip(vector, v, strict=True)), cid) for cid, v in zip(self.ids, self.vectors,
                                                                                               strict=True)]
        scored.sort(reverse=True)
        return [DenseHit(cid, sim) for sim, cid in scored[:k]]


class InMemoryLibrary:
    """A library of documents chunked one paragraph per chunk, embedded with the given embedder."""

    def __init__(self, embedder: Any, documents: dict[str, str], *, reviewed: str = "2025-01") -> None:
        self.embedder = embedder
        self._version = 0
        self.documents: dict[str, str] = {}
        self.reviewed = reviewed
        for doc_id, text in documents.items():
            self.add(doc_id, text)

    def add(self, doc_id: str, text: str) -> None:
        """Add or replace a document ('Title\\n\\nparagraph\\n\\nparagraph…') and bump the version."""
        self.documents[doc_id] = text
        self._version += 1

    def version(self) -> int:
        return self._version

    def snapshot(self) -> IndexSnapshot:
        chunks: dict[str, Chunk] = {}
        for doc_id, text in self.documents.items():
            title, _, body = text.partition("\n\n")
            meta = SourceMeta(doc_id=doc_id, title=title.strip(), publisher="Test publisher", reviewed=self.reviewed)
            for i, para in enumerate(p for p in body.split("\n\n") if p.strip()):
                cid = f"{doc_id}-{i}"
                chunks[cid] = Chunk(chunk_id=cid, doc_id=doc_id, text=para.strip(), ordinal=i, meta=meta)
        ids = list(chunks)
        texts = [c.embedding_text() for c in chunks.values()]
        bm25 = Bm25Index.build(ids, texts, stamp=str(self._version))
        dense = InMemoryDense(ids, self.embedder.embed_documents(texts))
        return IndexSnapshot(self._version, chunks, bm25, dense)
