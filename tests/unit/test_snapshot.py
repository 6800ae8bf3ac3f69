"""A snapshot never serves part of a document, and never publishes files for a version it did not read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from citecare.store.artefacts import LocalArtefactStore
from citecare.store.chroma import DocRecord
from citecare.store.snapshot import LIBRARY_ARTEFACT, ChromaLibrary, whole_documents
from citecare.types import Chunk, SourceMeta
from tests.conftest import make_settings


def _chunk(doc_id: str, n: int) -> Chunk:
    return Chunk(f"{doc_id}-{n}", doc_id, f"Sentence {n} about {doc_id} and blood tests.", n, SourceMeta(doc_id, doc_id))


def _record(doc_id: str, *ns: int) -> DocRecord:
    return DocRecord(doc_id, f"hash-{doc_id}", tuple(f"{doc_id}-{n}" for n in ns), SourceMeta(doc_id, doc_id))


def test_whole_documents_leaves_out_a_document_caught_mid_re_ingest() -> None:
    documents = {"a": _record("a", 0, 1), "b": _record("b", 2, 3)}  # b re-ingested: its entry names new chunks
    read = [_chunk("a", 0), _chunk("a", 1), _chunk("b", 0), _chunk("b", 3), _chunk("c", 0)]  # b-2 not read yet
    assert [c.chunk_id for c in whole_documents(documents, read)] == ["a-0", "a-1"]  # c: no manifest entry
    read.insert(4, _chunk("b", 2))
    assert [c.chunk_id for c in whole_documents(documents, read)] == ["a-0", "a-1", "b-0", "b-3", "b-2"]


class FakeIndex:
    """The parts of `ChromaIndex` a `ChromaLibrary` reads; ``bump_on_read`` commits a version mid-read."""

    def __init__(self, documents: Mapping[str, DocRecord], chunks: list[Chunk], bump_on_read: bool) -> None:
        self._documents, self._chunks, self.bump_on_read = documents, chunks, bump_on_read
        self._version, self.reads = 7, 0

    def version(self) -> int:
        return self._version

    def documents(self) -> Mapping[str, DocRecord]:
        return self._documents

    def committed_chunks(self, documents: Mapping[str, DocRecord]) -> list[Chunk]:
        self.reads += 1
        if self.bump_on_read:
            self._version += 1  # an ingest elsewhere commits while we read
        return list(self._chunks)


def _library(tmp_path: Path, bump_on_read: bool) -> tuple[ChromaLibrary, FakeIndex, LocalArtefactStore]:
    index = FakeIndex({"a": _record("a", 0, 1)}, [_chunk("a", 0), _chunk("a", 1), _chunk("b", 0)], bump_on_read)
    store = LocalArtefactStore(tmp_path / "artefacts")
    return ChromaLibrary(index, make_settings(tmp_path), store), index, store  # type: ignore[arg-type]


def test_a_rebuilt_snapshot_is_published_once_and_then_fetched(tmp_path: Path) -> None:
    library, index, store = _library(tmp_path, bump_on_read=False)
    first = library.snapshot()
    assert first.version == 7 and list(first.chunks) == ["a-0", "a-1"]
    assert store.fetch(LIBRARY_ARTEFACT, 7) is not None
    again = library.snapshot()
    assert index.reads == 1 and list(again.chunks) == ["a-0", "a-1"] and again.bm25.search("blood tests", 2)


def test_no_files_are_published_for_a_version_that_changed_while_reading(tmp_path: Path) -> None:
    library, index, store = _library(tmp_path, bump_on_read=True)
    snap = library.snapshot()
    assert snap.version == 7 and list(snap.chunks) == ["a-0", "a-1"] and snap.bm25.search("blood tests", 2)
    assert store.fetch(LIBRARY_ARTEFACT, 7) is None and store.fetch(LIBRARY_ARTEFACT, 8) is None
