"""Ingest → index → query on the real model and real Chroma (embedded and a real `chroma run` server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citecare.ingest.chunking import MODEL_TOKEN_LIMIT, chunk_document, chunk_id
from citecare.ingest.loaders import load_document
from citecare.ingest.pipeline import Ingestor
from citecare.ingest.sources import meta_for
from citecare.store.chroma import ChromaIndex
from tests.conftest import SEED_DOC, make_settings

DOCS = {
    "methotrexate.txt": "Methotrexate and monitoring\n\nPeople who take methotrexate need regular blood tests to "
    "check the liver and blood counts. Folic acid is often prescribed alongside it to reduce side effects.",
    "vaccines.md": "# Vaccines and immunosuppressants\n\nLive vaccines should usually be avoided while taking "
    "strong immunosuppressants. Inactivated flu shots are generally recommended every year.",
    "sunscreen.txt": "Sun protection\n\nAzathioprine raises the risk of skin cancer, so wear sunscreen and "
    "protective clothing when outdoors.",
}


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def top_doc(index: ChromaIndex, embedder, question: str) -> str:  # type: ignore[no-untyped-def]
    hits = index.query(embedder.embed_query(question), k=1)
    committed = {cid: doc for doc, rec in index.documents().items() for cid in rec.chunk_ids}
    return committed[hits[0].chunk_id]


def test_chunks_fit_the_model_and_ids_are_stable(embedder) -> None:  # type: ignore[no-untyped-def]
    doc = load_document(SEED_DOC, meta_for(SEED_DOC, "seed", None, "Immunosuppressants"))
    chunks = chunk_document(doc, embedder.count_tokens, chunk_tokens=120, overlap_tokens=20)
    assert len(chunks) >= 3
    for c in chunks:
        assert embedder.count_tokens(c.embedding_text()) <= MODEL_TOKEN_LIMIT
        assert c.chunk_id == chunk_id("seed", c.embedding_text())
    again = chunk_document(doc, embedder.count_tokens, chunk_tokens=120, overlap_tokens=20)
    assert [c.chunk_id for c in again] == [c.chunk_id for c in chunks]
    # Sentence-aware: chunks end at a sentence boundary, not mid-word.
    assert all(c.text.rstrip()[-1] in ".!?’\"" for c in chunks)


def test_round_trip_and_incremental_behaviour(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = write_corpus(tmp_path / "corpus")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf \x00\x01\x02")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (corpus / "empty.txt").write_text("")
    settings = make_settings(tmp_path, corpus_dir=corpus)
    index = ChromaIndex.from_settings(settings, embedder)
    ingestor = Ingestor(settings, embedder, index)

    first = ingestor.run()
    assert sorted(first.added) == ["methotrexate", "sunscreen", "vaccines"]
    failed = {Path(f).name: reason for f, reason in first.failed}
    assert set(failed) == {"broken.pdf", "binary.txt", "empty.txt"}
    assert all(reason for reason in failed.values())
    assert first.chunks_embedded >= 3
    assert top_doc(index, embedder, "Do I need blood tests on methotrexate?") == "methotrexate"
    assert top_doc(index, embedder, "can I get a live vaccine?") == "vaccines"

    second = ingestor.run()
    assert second.chunks_embedded == 0 and sorted(second.unchanged) == ["methotrexate", "sunscreen", "vaccines"]

    (corpus / "sunscreen.txt").write_text(DOCS["sunscreen.txt"] + " Check your skin every month for changes.")
    third = ingestor.run()
    assert third.updated == ["sunscreen"] and third.added == []
    assert third.chunks_embedded == len(index.documents()["sunscreen"].chunk_ids)
    chunk_text = " ".join(c.text for c in index.committed_chunks() if c.doc_id == "sunscreen")
    assert "every month" in chunk_text

    old_ids = set(index.documents()["vaccines"].chunk_ids)
    (corpus / "vaccines.md").unlink()
    fourth = ingestor.run()
    assert fourth.removed == ["vaccines"]
    assert "vaccines" not in index.documents()
    assert not (old_ids & index.all_chunk_ids())


def test_killed_ingest_leaves_index_usable_and_rerun_finishes(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path, corpus_dir=corpus)
    index = ChromaIndex.from_settings(settings, embedder)
    Ingestor(settings, embedder, index).run()
    before = index.documents()

    # Simulate a run killed after writing a changed document's chunks but before its commit.
    (corpus / "methotrexate.txt").write_text(DOCS["methotrexate.txt"] + " Avoid alcohol while taking it.")
    from citecare.ingest.chunking import chunk_document as split

    doc = load_document(corpus / "methotrexate.txt", before["methotrexate"].meta)
    new_chunks = split(doc, embedder.count_tokens)
    vectors = embedder.embed_documents([c.text for c in new_chunks])
    index.upsert_chunks(new_chunks, vectors, [doc.content_hash] * len(new_chunks))

    # Readers still see exactly the committed version.
    assert index.documents() == before
    committed_text = " ".join(c.text for c in index.committed_chunks())
    assert "Avoid alcohol" not in committed_text

    report = Ingestor(settings, embedder, index).run()
    assert report.updated == ["methotrexate"]
    assert "Avoid alcohol" in " ".join(c.text for c in index.committed_chunks())
    live = {cid for rec in index.documents().values() for cid in rec.chunk_ids}
    assert index.all_chunk_ids() == live  # orphans collected


def test_metadata_from_manifest_travels_with_chunks(seed_settings) -> None:  # type: ignore[no-untyped-def]
    from citecare.store.embedder import SentenceTransformerEmbedder

    index = ChromaIndex.from_settings(seed_settings, SentenceTransformerEmbedder(seed_settings.embedding_model))
    chunks = index.committed_chunks()
    assert chunks
    meta = chunks[0].meta
    assert meta.title == "Immunosuppressants and Their Role in Treating Chronic Pain Conditions"
    assert meta.publisher and meta.reviewed == "2026-11"
    assert meta.label().endswith("reviewed 2026-11")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 30 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.e2e
def test_round_trip_against_a_real_chroma_server(tmp_path: Path, embedder, chroma_server: str) -> None:  # type: ignore[no-untyped-def]
    corpus = write_corpus(tmp_path / "corpus")
    settings = make_settings(tmp_path, corpus_dir=corpus, chroma_url=chroma_server)
    index = ChromaIndex.from_settings(settings, embedder)
    report = Ingestor(settings, embedder, index).run()
    assert sorted(report.added) == ["methotrexate", "sunscreen", "vaccines"]
    assert not (tmp_path / "index" / "chroma").exists()  # nothing went to the embedded store
    assert top_doc(index, embedder, "should I wear sunscreen on azathioprine?") == "sunscreen"
    assert Ingestor(settings, embedder, index).run().chunks_embedded == 0

    from citecare.engine import ChatEngine
    from citecare.store.snapshot import ChromaLibrary

    answer = ChatEngine(settings, embedder, ChromaLibrary(index, settings)).ask("Do I need blood tests on methotrexate?")
    assert answer.kind == "answer"
    assert answer.citations[0].doc_id == "methotrexate"
