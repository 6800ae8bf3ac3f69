"""Replicas share one library through a real `chroma run` server: derived data (chunk table + BM25, lexicon,
sentence vectors) is published to the server by ingest, before the new version is visible, and fetched by a
replica whose own disk is empty (it rebuilds nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecare.answer.lexicon import Lexicon, publish_lexicon
from citecare.ingest.pipeline import Ingestor
from citecare.store.artefacts import LocalArtefactStore
from citecare.store.chroma import ChromaIndex, make_client
from citecare.store.chroma_artefacts import ChromaArtefactStore, artefact_store
from citecare.store.sentences import SentenceVectors
from citecare.store.snapshot import LIBRARY_ARTEFACT, ChromaLibrary
from tests.conftest import SEED_DOC, make_settings
from tests.servers import chroma_server, require_binaries


@pytest.fixture()
def chroma_url(tmp_path: Path):  # type: ignore[no-untyped-def]
    require_binaries("chroma")
    with chroma_server(tmp_path) as url:
        yield url


class FixedVectors:
    """Placeholder embedder for the store-only test (the vectors are never searched)."""

    identity = "test|fixed"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0, 0.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0, 0.0, 0.0]


def test_artefacts_and_records_travel_through_the_server(tmp_path: Path, chroma_url: str) -> None:
    settings_a = make_settings(tmp_path / "a", chroma_url=chroma_url, collection="shared")
    settings_b = make_settings(tmp_path / "b", chroma_url=chroma_url, collection="shared")
    index_a = ChromaIndex(make_client(settings_a), "shared", FixedVectors(), page_size=3)  # type: ignore[arg-type]
    index_b = ChromaIndex(make_client(settings_b), "shared", FixedVectors(), page_size=3)  # type: ignore[arg-type]
    store_a, store_b = artefact_store(settings_a, index_a), artefact_store(settings_b, index_b)
    assert isinstance(store_a, ChromaArtefactStore) and isinstance(store_b, ChromaArtefactStore)
    assert store_a.cache.root != store_b.cache.root

    payload = bytes(range(256)) * 40_000  # ~10 MB: three 4 MB parts once base64'd
    def fill(folder: Path) -> None:
        (folder / "sub").mkdir()
        (folder / "sub" / "blob.bin").write_bytes(payload)
        (folder / "note.txt").write_text("version one")

    assert store_b.fetch("library", 1) is None
    store_a.publish("library", 1, fill)
    got = store_b.fetch("library", 1)
    assert got is not None and got.is_relative_to(store_b.cache.root)
    assert (got / "sub" / "blob.bin").read_bytes() == payload and (got / "note.txt").read_text() == "version one"
    assert store_b.fetch("library", 2) is None

    for version in (2, 3, 4, 5):
        store_a.publish("library", version, lambda f, v=version: (f / "note.txt").write_text(f"v{v}"))
    fresh = ChromaArtefactStore(index_b, LocalArtefactStore(tmp_path / "c"))  # a third machine, empty cache
    assert fresh.fetch("library", 2) is None  # pruned on the server: the last three are kept
    assert [fresh.fetch("library", v) is not None for v in (3, 4, 5)] == [True, True, True]
    left = index_a.side_collection("artefacts").get(include=["metadatas"])["metadatas"]
    assert sorted({(m["artefact"], m["version"]) for m in left}) == [("library", 3), ("library", 4), ("library", 5)]

    records = {f"chunk-{i}": bytes([i]) * (i + 1) for i in range(8)}  # more than one page of 3
    store_a.put_records("sentences", records)
    assert store_b.get_records("sentences", ["chunk-0", "chunk-7", "nope"]) == {
        "chunk-0": records["chunk-0"], "chunk-7": records["chunk-7"]}
    assert sorted(store_b.record_ids("sentences")) == sorted(records)
    store_a.delete_records("sentences", ["chunk-1", "chunk-2"])
    assert sorted(fresh.record_ids("sentences")) == sorted(set(records) - {"chunk-1", "chunk-2"})
    assert fresh.get_records("sentences", ["chunk-1"]) == {}


@pytest.mark.e2e
def test_a_replica_with_an_empty_disk_starts_from_the_servers_artefacts(  # type: ignore[no-untyped-def]
    tmp_path: Path, chroma_url: str, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_settings = make_settings(tmp_path / "ingest-machine", chroma_url=chroma_url)
    ingest_index = ChromaIndex.from_settings(ingest_settings, embedder)
    report = Ingestor(ingest_settings, embedder, ingest_index, derived=[publish_lexicon]).run([SEED_DOC])
    assert report.added and not report.failed
    version = ingest_index.version()

    replica_settings = make_settings(tmp_path / "replica", chroma_url=chroma_url)
    library = ChromaLibrary.from_settings(replica_settings, embedder)
    assert not (tmp_path / "replica" / "index").exists()  # nothing local yet: no disk of the ingest machine either

    import citecare.store.snapshot as snapshot_module

    def no_rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the replica rebuilt the library instead of fetching the published artefact")

    monkeypatch.setattr(snapshot_module, "publish_library", no_rebuild)
    monkeypatch.setattr(Lexicon, "build", no_rebuild)
    snapshot = library.snapshot()
    assert snapshot.version == version and len(snapshot.chunks) == ingest_index.count()
    assert snapshot.bm25.search("blood tests", 3)
    assert library.artefacts.fetch(LIBRARY_ARTEFACT, version) is not None  # now in the replica's own cache

    vectors = SentenceVectors(snapshot.artefacts).lookup(list(snapshot.chunks))  # type: ignore[arg-type]
    assert set(vectors) == set(snapshot.chunks) and all(v for v in vectors.values())

    from citecare.engine import ChatEngine

    answer = ChatEngine(replica_settings, embedder, library).ask("Why do I need blood tests on immunosuppressants?")
    assert answer.kind == "answer" and answer.citations
