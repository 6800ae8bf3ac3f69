"""A consistent view of the committed library at one version: chunks, the BM25 index, dense search.

The engine answers from one snapshot at a time and swaps in a new one when the version changes, so a
question never mixes two versions of the library. ``Library`` is the seam: ``ChromaLibrary`` reads the
real index; unit tests pass an in-memory one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from citecare.config import Settings
from citecare.protocols import DenseSearch
from citecare.store.bm25 import Bm25Index
from citecare.store.chroma import ChromaIndex
from citecare.types import Chunk


@dataclass(frozen=True)
class IndexSnapshot:
    """The committed chunks (document order), their BM25 index and the dense search, at ``version``."""

    version: int
    chunks: Mapping[str, Chunk]
    bm25: Bm25Index
    dense: DenseSearch


class Library(Protocol):
    """Where snapshots come from."""

    def version(self) -> int: ...

    def snapshot(self) -> IndexSnapshot: ...


def bm25_dir(settings: Settings) -> Path:
    """Where the BM25 index lives: beside the embedded index, or keyed by server and collection."""
    if settings.chroma_url:
        key = hashlib.sha256(f"{settings.chroma_url}|{settings.collection}".encode()).hexdigest()[:12]
        return Path(settings.index_dir) / f"bm25-remote-{key}"
    return Path(settings.index_dir) / f"bm25-{settings.collection}"


class ChromaLibrary:
    """Snapshots of a Chroma index, with the BM25 index saved at ingest (rebuilt when it is stale)."""

    def __init__(self, index: ChromaIndex, settings: Settings) -> None:
        self.index = index
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings, embedder: object) -> ChromaLibrary:
        return cls(ChromaIndex.from_settings(settings, embedder), settings)  # type: ignore[arg-type]

    def version(self) -> int:
        return self.index.version()

    def snapshot(self) -> IndexSnapshot:
        version = self.index.version()
        chunks = self.index.committed_chunks()
        chunk_map = {c.chunk_id: c for c in chunks}
        folder = bm25_dir(self.settings)
        bm25 = Bm25Index.load(folder) if Bm25Index.saved_stamp(folder) == str(version) else None
        if bm25 is None or set(bm25.chunk_ids) != set(chunk_map):
            bm25 = Bm25Index.build(list(chunk_map), [c.embedding_text() for c in chunks], stamp=str(version))
        return IndexSnapshot(version, chunk_map, bm25, self.index)
