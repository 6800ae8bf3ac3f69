"""Vectors of each chunk's sentences, computed at ingest and stored beside the chunk (chunk records).

The extractive composer compares the question with source sentences; embedding them on first sight made
the first answer touching a passage ~10x slower than the next. Ingest now embeds them once, with the
chunk, and the composer reads them by chunk id (a few rows of SQLite per answer, nothing held in memory).
Each vector is keyed by its sentence's fingerprint, not its position: when the sentence splitter changes (a heading
line no longer glued to the sentence after it), a stored vector is never given to another sentence.
A record is float16 (half the bytes, cosine error ~1e-3): ``uint16 n | n x uint32 fingerprints | n x dim x f16``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from citecare.protocols import Embedder
from citecare.store.artefacts import ArtefactStore
from citecare.text import sentence_fingerprint as fingerprint
from citecare.text import split_sentences
from citecare.types import Chunk

KIND = "sentence-vectors"
LEGACY_KIND = "sentences"  # keyed by position in the passage: read no more, removed by the next ingest
MIN_WORDS, MAX_WORDS = 5, 60  # the composer's bounds: shorter or longer sentences are never quoted


def sentences_to_embed(chunk: Chunk) -> list[str]:
    """The distinct sentences of a chunk that an answer may quote."""
    return list(dict.fromkeys(s for s in split_sentences(chunk.text) if MIN_WORDS <= len(s.split()) <= MAX_WORDS))


def pack(fingerprints: Sequence[int], vectors: np.ndarray) -> bytes:
    head = struct.pack(f"<H{len(fingerprints)}I", len(fingerprints), *fingerprints)
    return head + np.asarray(vectors, dtype=np.float16).tobytes()


def unpack(data: bytes) -> dict[int, np.ndarray]:
    (n,) = struct.unpack_from("<H", data)
    keys = struct.unpack_from(f"<{n}I", data, 2)
    if n == 0:
        return {}
    matrix = np.frombuffer(data, dtype=np.float16, offset=2 + 4 * n).reshape(n, -1).astype(np.float32)
    return dict(zip(keys, matrix, strict=True))


class SentenceVectors:
    """Reads and writes sentence vectors through an ArtefactStore."""

    def __init__(self, store: ArtefactStore) -> None:
        self.store = store

    def embed_and_store(self, chunks: Sequence[Chunk], embedder: Embedder) -> int:
        """Embed the quotable sentences of the chunks (each distinct sentence once); returns how many."""
        per_chunk = [sentences_to_embed(c) for c in chunks]
        distinct = list(dict.fromkeys(s for sents in per_chunk for s in sents))
        if not distinct:
            self.store.put_records(KIND, {c.chunk_id: pack([], np.zeros((0, 1))) for c in chunks})
            return 0
        matrix = np.asarray(embedder.embed_documents(distinct), dtype=np.float32)
        row = {s: i for i, s in enumerate(distinct)}
        records = {}
        for chunk, sents in zip(chunks, per_chunk, strict=True):
            vectors = matrix[[row[s] for s in sents]] if sents else np.zeros((0, matrix.shape[1]))
            records[chunk.chunk_id] = pack([fingerprint(s) for s in sents], vectors)
        self.store.put_records(KIND, records)
        return len(distinct)

    def lookup(self, chunk_ids: Sequence[str]) -> Mapping[str, Mapping[int, np.ndarray]]:
        """chunk id → sentence fingerprint → vector, for the chunks that have stored vectors."""
        return {cid: unpack(data) for cid, data in self.store.get_records(KIND, list(dict.fromkeys(chunk_ids))).items()}

    def delete(self, chunk_ids: Iterable[str]) -> None:
        self.store.delete_records(KIND, chunk_ids)

    def stored_ids(self) -> set[str]:
        return set(self.store.record_ids(KIND))

    def drop_legacy(self) -> None:
        """Remove the position-keyed vectors of an index ingested before fingerprints."""
        self.store.delete_records(LEGACY_KIND, list(self.store.record_ids(LEGACY_KIND)))
