"""Vectors of each chunk's sentences, computed at ingest and stored beside the chunk (chunk records).

The extractive composer compares the question with source sentences; embedding them on first sight made
the first answer touching a passage ~10x slower than the next. Ingest now embeds them once, with the
chunk, and the composer reads them by chunk id (a few rows of SQLite per answer, nothing held in memory).
A record is float16 (half the bytes, cosine error ~1e-3): ``uint16 n | n x uint16 positions | n x dim x f16``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from citecare.protocols import Embedder
from citecare.store.artefacts import ArtefactStore
from citecare.text import split_sentences
from citecare.types import Chunk

KIND = "sentences"
MIN_WORDS, MAX_WORDS = 5, 60  # the composer's bounds: shorter or longer sentences are never quoted


def sentences_to_embed(chunk: Chunk) -> list[tuple[int, str]]:
    """(position in split_sentences(chunk.text), sentence) of the sentences an answer may quote."""
    return [(pos, s) for pos, s in enumerate(split_sentences(chunk.text)) if MIN_WORDS <= len(s.split()) <= MAX_WORDS]


def pack(positions: Sequence[int], vectors: np.ndarray) -> bytes:
    head = struct.pack(f"<H{len(positions)}H", len(positions), *positions)
    return head + np.asarray(vectors, dtype=np.float16).tobytes()


def unpack(data: bytes) -> dict[int, np.ndarray]:
    (n,) = struct.unpack_from("<H", data)
    positions = struct.unpack_from(f"<{n}H", data, 2)
    if n == 0:
        return {}
    matrix = np.frombuffer(data, dtype=np.float16, offset=2 + 2 * n).reshape(n, -1).astype(np.float32)
    return dict(zip(positions, matrix, strict=True))


class SentenceVectors:
    """Reads and writes sentence vectors through an ArtefactStore."""

    def __init__(self, store: ArtefactStore) -> None:
        self.store = store

    def embed_and_store(self, chunks: Sequence[Chunk], embedder: Embedder) -> int:
        """Embed the quotable sentences of the chunks (each distinct sentence once); returns how many."""
        per_chunk = [sentences_to_embed(c) for c in chunks]
        distinct = list(dict.fromkeys(s for sents in per_chunk for _, s in sents))
        if not distinct:
            self.store.put_records(KIND, {c.chunk_id: pack([], np.zeros((0, 1))) for c in chunks})
            return 0
        matrix = np.asarray(embedder.embed_documents(distinct), dtype=np.float32)
        row = {s: i for i, s in enumerate(distinct)}
        records = {}
        for chunk, sents in zip(chunks, per_chunk, strict=True):
            vectors = matrix[[row[s] for _, s in sents]] if sents else np.zeros((0, matrix.shape[1]))
            records[chunk.chunk_id] = pack([p for p, _ in sents], vectors)
        self.store.put_records(KIND, records)
        return len(distinct)

    def lookup(self, chunk_ids: Sequence[str]) -> Mapping[str, Mapping[int, np.ndarray]]:
        """chunk id → sentence position → vector, for the chunks that have stored vectors."""
        return {cid: unpack(data) for cid, data in self.store.get_records(KIND, list(dict.fromkeys(chunk_ids))).items()}

    def delete(self, chunk_ids: Iterable[str]) -> None:
        self.store.delete_records(KIND, chunk_ids)

    def stored_ids(self) -> set[str]:
        return set(self.store.record_ids(KIND))
