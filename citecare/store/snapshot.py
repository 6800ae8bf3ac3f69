"""A consistent view of the committed library at one version: chunks, the BM25 index, dense search.

The engine answers from one snapshot at a time and swaps in a new one when the version changes, so a
question never mixes two versions of the library. ``Library`` is the seam: ``ChromaLibrary`` reads the
real index; unit tests pass an in-memory one.

What is derived from the chunks (the chunk table, the BM25 index) is published by ingest as the versioned
artefact ``library`` through the `ArtefactStore` (see `store.artefacts`), so a start reads files instead of
rebuilding: when the artefact for the current version is missing (an index built before it existed, or
another machine wrote it), the snapshot builds it from Chroma (paginated reads) and publishes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from citecare.config import Settings
from citecare.protocols import DenseSearch
from citecare.store.artefacts import ArtefactStore
from citecare.store.bm25 import Bm25Index
from citecare.store.chroma import ChromaIndex, DocRecord
from citecare.store.chroma_artefacts import artefact_store
from citecare.store.chunk_table import read_chunk_table, write_chunk_table
from citecare.types import Chunk

LIBRARY_ARTEFACT = "library"


@dataclass(frozen=True)
class IndexSnapshot:
    """The committed chunks (document order), their BM25 index and the dense search, at ``version``."""

    version: int
    chunks: Mapping[str, Chunk]
    bm25: Bm25Index
    dense: DenseSearch
    artefacts: ArtefactStore | None = None  # derived data of this library (None: everything in memory)


class Library(Protocol):
    """Where snapshots come from."""

    def version(self) -> int: ...

    def snapshot(self) -> IndexSnapshot: ...


def publish_library(artefacts: ArtefactStore, version: int, chunks: Sequence[Chunk]) -> Path:
    """Write the chunk table and the BM25 index of ``chunks`` as the library artefact at ``version``."""
    bm25 = Bm25Index.build([c.chunk_id for c in chunks], [c.embedding_text() for c in chunks], stamp=str(version))

    def fill(folder: Path) -> None:
        write_chunk_table(folder, chunks)
        bm25.write(folder / "bm25")

    return artefacts.publish(LIBRARY_ARTEFACT, version, fill)


def whole_documents(documents: Mapping[str, DocRecord], chunks: Sequence[Chunk]) -> list[Chunk]:
    """The chunks of the documents whose every chunk was read: a document re-ingested while we read
    (its old chunks deleted after its new entry was committed) is left out rather than served in part."""
    found: dict[str, set[str]] = {}
    for c in chunks:
        found.setdefault(c.doc_id, set()).add(c.chunk_id)
    whole = {doc_id for doc_id, rec in documents.items() if found.get(doc_id, set()) >= set(rec.chunk_ids)}
    return [c for c in chunks if c.doc_id in whole]


class ChromaLibrary:
    """Snapshots of a Chroma index, read from the library artefact of its version."""

    def __init__(self, index: ChromaIndex, settings: Settings, artefacts: ArtefactStore | None = None) -> None:
        self.index = index
        self.settings = settings
        self.artefacts: ArtefactStore = artefacts or artefact_store(settings, index)

    @classmethod
    def from_settings(cls, settings: Settings, embedder: object) -> ChromaLibrary:
        return cls(ChromaIndex.from_settings(settings, embedder), settings)  # type: ignore[arg-type]

    def version(self) -> int:
        return self.index.version()

    def snapshot(self) -> IndexSnapshot:
        version = self.index.version()
        folder = self.artefacts.fetch(LIBRARY_ARTEFACT, version)
        chunks = read_chunk_table(folder) if folder else None
        bm25 = Bm25Index.load(folder / "bm25") if folder else None
        if chunks is None or bm25 is None:
            documents = self.index.documents()
            listed = whole_documents(documents, self.index.committed_chunks(documents))
            if self.index.version() == version:  # nobody committed meanwhile: the files match this version
                folder = publish_library(self.artefacts, version, listed)
                chunks, bm25 = read_chunk_table(folder), Bm25Index.load(folder / "bm25")
            if chunks is None or bm25 is None:
                chunks = {c.chunk_id: c for c in listed}
                bm25 = Bm25Index.build(list(chunks), [c.embedding_text() for c in listed], stamp=str(version))
        return IndexSnapshot(version, chunks, bm25, self.index, self.artefacts)
