"""Real Chroma (embedded) with a hashing embedder: paginated reads past one page, the recorded embedder,
derived artefacts and sentence vectors written at ingest. Small page size, so a few documents prove it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from citecare.config import Settings
from citecare.engine import ChatEngine
from citecare.errors import EmbedderMismatch
from citecare.ingest.pipeline import Ingestor
from citecare.store.artefacts import LocalArtefactStore
from citecare.store.chroma import ChromaIndex, make_client
from citecare.store.sentences import LEGACY_KIND, SentenceVectors, pack, sentences_to_embed, unpack
from citecare.store.snapshot import LIBRARY_ARTEFACT, ChromaLibrary
from citecare.text import sentence_fingerprint
from tests.conftest import make_settings
from tests.fakes import FakeEmbedder

PAGE = 3
N_DOCS = 11


class CountingEmbedder(FakeEmbedder):
    identity = "fake-hash|test"

    def __init__(self) -> None:
        self.document_calls: list[int] = []

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        self.document_calls.append(len(texts))
        return super().embed_documents(texts)


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i:02d}.txt").write_text(
            f"Medicine number {i} facts\n\nMedicine {i} is taken once a day with water by adults. "
            f"People taking medicine {i} need a blood test every month to check the liver. "
            f"Side effects of medicine {i} include nausea and tiredness in some people.\n",
            encoding="utf-8")
    return folder


class RecordingCollection:
    """Wraps a Chroma collection and records the size of every read."""

    def __init__(self, inner: Any, sizes: list[int]) -> None:
        self._inner, self._sizes = inner, sizes

    def get(self, *args: Any, **kwargs: Any) -> Any:
        got = self._inner.get(*args, **kwargs)
        assert "limit" in kwargs or "ids" in kwargs, "an unbounded get"
        self._sizes.append(len(got["ids"]))
        return got

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture()
def small_pages(tmp_path: Path) -> tuple[Settings, ChromaIndex, CountingEmbedder, list[int]]:
    settings = make_settings(tmp_path, corpus_dir=write_corpus(tmp_path / "corpus", N_DOCS))
    embedder = CountingEmbedder()
    index = ChromaIndex(make_client(settings), settings.collection, embedder, page_size=PAGE)
    sizes: list[int] = []
    index.chunks = RecordingCollection(index.chunks, sizes)
    index.manifest = RecordingCollection(index.manifest, sizes)
    return settings, index, embedder, sizes


def test_every_bulk_read_is_paginated(small_pages: tuple[Settings, ChromaIndex, CountingEmbedder, list[int]]) -> None:
    settings, index, embedder, sizes = small_pages
    report = Ingestor(settings, embedder, index).run()
    assert len(report.added) == N_DOCS and not report.failed
    assert index.count() > PAGE and len(index.documents()) == N_DOCS > PAGE
    assert len(index.committed_chunks()) == index.count() == len(index.all_chunk_ids())
    assert sizes and max(sizes) <= PAGE  # no read ever returned more than one page
    # unchanged re-ingest embeds nothing, reads page by page too
    embedder.document_calls.clear()
    again = Ingestor(settings, embedder, index).run()
    assert len(again.unchanged) == N_DOCS and again.chunks_embedded == 0 and embedder.document_calls == []
    # an orphan left by a killed run is found through the paginated listing and removed
    orphan = index.get_chunks(list(index.all_chunk_ids())[:1])[0]
    from dataclasses import replace
    ghost = replace(orphan, chunk_id="ghost-chunk")
    index.upsert_chunks([ghost], embedder.embed_documents([ghost.text]), ["x"])
    cleaned = Ingestor(settings, embedder, index).run()
    assert cleaned.orphans_removed == 1 and "ghost-chunk" not in index.all_chunk_ids()
    assert max(sizes) <= PAGE


def test_engine_starts_from_published_artefacts_and_uses_stored_sentence_vectors(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=write_corpus(tmp_path / "corpus", N_DOCS))
    embedder = CountingEmbedder()
    index = ChromaIndex(make_client(settings), settings.collection, embedder, page_size=PAGE)
    report = Ingestor(settings, embedder, index).run()
    assert report.sentences_embedded > 0
    store = LocalArtefactStore.from_settings(settings)
    assert store.fetch(LIBRARY_ARTEFACT, index.version()) is not None
    stored = SentenceVectors(store).lookup(sorted(index.all_chunk_ids()))
    assert set(stored) == index.all_chunk_ids() and all(stored.values())

    engine = ChatEngine(settings, embedder, ChromaLibrary(index, settings))
    assert store.fetch("lexicon", index.version()) is not None  # published by the first start
    embedder.document_calls.clear()
    answer = engine.ask("Do people taking medicine 3 need a blood test?")
    assert answer.kind == "answer" and "blood test" in answer.text
    assert embedder.document_calls == []  # every quoted sentence came with its vector from ingest
    # a second engine reads the same artefacts and gives the same answer
    again = ChatEngine(settings, embedder, ChromaLibrary(index, settings)).ask(
        "Do people taking medicine 3 need a blood test?")
    assert again.text == answer.text


def test_sentence_vector_records_round_trip() -> None:
    vectors = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
    keys = [sentence_fingerprint("First."), 2, 4_000_000_000]
    got = unpack(pack(keys, vectors))
    assert sorted(got) == sorted(keys)
    assert np.allclose(got[4_000_000_000], vectors[2], atol=1e-2)
    assert unpack(pack([], np.zeros((0, 8)))) == {}


def test_only_quotable_sentences_are_embedded() -> None:
    from citecare.types import Chunk, SourceMeta

    text = "Short one here. This sentence has more than five words in it. Then a long one. " + "word " * 70 + "end."
    chunk = Chunk("c", "d", text, 0, SourceMeta("d", "T"))
    assert sentences_to_embed(chunk) == ["This sentence has more than five words in it."]


def test_an_index_from_before_fingerprints_gets_its_sentence_vectors_on_the_next_ingest(tmp_path: Path) -> None:
    """Vectors were keyed by a sentence's position in its passage: a changed sentence splitter would have given
    them to other sentences. The next ingest stores them by fingerprint and drops the old ones."""
    settings = make_settings(tmp_path, corpus_dir=write_corpus(tmp_path / "corpus", 3))
    embedder = CountingEmbedder()
    index = ChromaIndex(make_client(settings), settings.collection, embedder, page_size=PAGE)
    Ingestor(settings, embedder, index).run()
    store = LocalArtefactStore.from_settings(settings)
    vectors = SentenceVectors(store)
    ids = sorted(index.all_chunk_ids())
    store.put_records(LEGACY_KIND, {cid: pack([0, 1], np.ones((2, 4))) for cid in ids})  # as an older version left it
    vectors.delete(ids)
    report = Ingestor(settings, embedder, index).run()
    assert report.sentences_embedded > 0 and not report.added and not report.updated
    assert vectors.stored_ids() == set(ids) and list(store.record_ids(LEGACY_KIND)) == []
    assert all(vectors.lookup(ids).values())
    assert Ingestor(settings, embedder, index).run().sentences_embedded == 0  # nothing left to do


def test_the_index_refuses_another_embedder(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=write_corpus(tmp_path / "corpus", 2))
    torch_like = CountingEmbedder()
    torch_like.identity = "all-MiniLM-L6-v2|torch"  # type: ignore[misc]
    index = ChromaIndex.from_settings(settings, torch_like)
    Ingestor(settings, torch_like, index).run()
    onnx_like = CountingEmbedder()
    onnx_like.identity = "all-MiniLM-L6-v2|onnx-int8"  # type: ignore[misc]
    with pytest.raises(EmbedderMismatch, match="CITECARE_EMBEDDING_BACKEND=torch"):
        ChromaIndex.from_settings(settings, onnx_like)
    assert ChromaIndex.from_settings(settings, torch_like).count() > 0  # the right one still opens it


def test_a_collection_from_before_the_record_counts_as_torch(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, corpus_dir=write_corpus(tmp_path / "corpus", 2))
    unrecorded = FakeEmbedder()  # no identity: writes no record, like indexes made before it existed
    index = ChromaIndex.from_settings(settings, unrecorded)
    Ingestor(settings, unrecorded, index).run()
    onnx_like = CountingEmbedder()
    onnx_like.identity = "all-MiniLM-L6-v2|onnx-int8"  # type: ignore[misc]
    with pytest.raises(EmbedderMismatch, match="torch"):
        ChromaIndex.from_settings(settings, onnx_like)


def test_local_artefact_store(tmp_path: Path) -> None:
    store = LocalArtefactStore(tmp_path / "derived")
    assert store.fetch("x", 1) is None
    for version in range(1, 6):
        store.publish("x", version, lambda folder, v=version: (folder / "data.txt").write_text(str(v)))
    assert (store.fetch("x", 5) / "data.txt").read_text() == "5"  # type: ignore[operator]
    assert store.fetch("x", 1) is None and store.fetch("x", 3) is not None  # old versions pruned

    def broken(folder: Path) -> None:
        (folder / "half").write_text("half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        store.publish("x", 6, broken)
    assert store.fetch("x", 6) is None  # a half-written artefact is never visible
    store.put_records("k", {f"id{i:04d}": bytes([i % 256]) for i in range(1200)})
    assert store.get_records("k", ["id0001", "id1199", "nope"]) == {"id0001": b"\x01", "id1199": bytes([1199 % 256])}
    assert len(list(store.record_ids("k"))) == 1200  # read page by page
    store.delete_records("k", [f"id{i:04d}" for i in range(1000)])
    assert len(list(store.record_ids("k"))) == 200 and store.get_records("other", ["id1199"]) == {}
