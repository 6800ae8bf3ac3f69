"""The engine's whole flow on fakes (hashing embedder, in-memory library): fast, no model, no Chroma."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from citecare.engine import ChatEngine
from citecare.errors import IndexNotReady
from citecare.text import parse_markers, strip_markers
from citecare.types import Turn
from tests.conftest import make_settings
from tests.fakes import FakeEmbedder, InMemoryLibrary

DOCS = {
    "mtx": "Methotrexate facts\n\n"
           "Methotrexate is a medicine that calms the immune system in rheumatoid arthritis.\n\n"
           "People taking methotrexate need regular blood tests to check the liver and blood counts.",
    "sun": "Sun safety\n\n"
           "Wear sunscreen every day because some medicines make the skin burn more easily in the sun.",
}


@pytest.fixture()
def engine(tmp_path: Path) -> ChatEngine:
    return ChatEngine(make_settings(tmp_path), FakeEmbedder(), InMemoryLibrary(FakeEmbedder(), DOCS))


def test_answer_quotes_and_cites_the_library(engine: ChatEngine) -> None:
    answer = engine.ask("Do people on methotrexate need blood tests?")
    assert answer.kind == "answer"
    assert answer.citations and answer.citations[0].doc_id == "mtx"
    for n in parse_markers(answer.text):
        assert any(c.n == n for c in answer.citations)
    body = strip_markers(answer.text)
    assert "blood tests" in body and answer.disclaimer


def test_stream_ends_with_the_answer_and_deltas_add_up(engine: ChatEngine) -> None:
    events = list(engine.stream("Do people on methotrexate need blood tests?"))
    assert events[-1].answer is not None
    assert "".join(e.delta for e in events[:-1]).strip() == events[-1].answer.text.strip()


def test_guard_comes_before_retrieval(engine: ChatEngine) -> None:
    answer = engine.ask("my chest hurts and i cant breathe")
    assert answer.kind == "emergency" and "retrieve" not in answer.timings_ms


def test_follow_up_uses_the_conversation(engine: ChatEngine) -> None:
    history = (Turn("user", "What is methotrexate?"), Turn("assistant", "Methotrexate is a medicine… [1]"))
    answer = engine.ask("do I need blood tests on it?", history)
    assert "methotrexate" in answer.resolved_question.lower()


def test_a_new_version_is_picked_up(tmp_path: Path) -> None:
    library = InMemoryLibrary(FakeEmbedder(), DOCS)
    engine = ChatEngine(make_settings(tmp_path), FakeEmbedder(), library)
    library.add("flu", "Flu vaccine\n\nThe flu vaccine is recommended every year for people on immunosuppressants.")
    engine._checked_at = 0.0  # as if the refresh interval had passed
    answer = engine.ask("how often should I get the flu vaccine?")
    assert engine.health()["index_version"] == library.version()
    assert any(c.doc_id == "flu" for c in answer.citations)


def test_an_empty_library_is_not_ready(tmp_path: Path) -> None:
    with pytest.raises(IndexNotReady):
        ChatEngine(make_settings(tmp_path), FakeEmbedder(), InMemoryLibrary(FakeEmbedder(), {}))


def test_a_watcher_loads_new_versions_in_the_background(tmp_path: Path) -> None:
    library = InMemoryLibrary(FakeEmbedder(), DOCS)
    engine = ChatEngine(make_settings(tmp_path, refresh_interval_s=0.05), FakeEmbedder(), library)
    stop = threading.Event()
    watcher = threading.Thread(target=engine.watch, args=(stop,), daemon=True)
    watcher.start()
    try:
        library.add("flu", "Flu vaccine\n\nThe flu vaccine is recommended every year for people on immunosuppressants.")
        deadline = time.monotonic() + 10
        while engine.health()["index_version"] != library.version():
            assert time.monotonic() < deadline, "the watcher did not load the new version"
            time.sleep(0.02)
    finally:
        stop.set()
        watcher.join(timeout=5)
    assert not watcher.is_alive()
    # With a watcher, a question never loads a new version itself (no patient waits for a load).
    before = library.version()
    library.add("zoster", "Shingles vaccine\n\nThe shingles vaccine protects adults over 50.")
    engine._checked_at = 0.0
    assert engine.ask("how often should I get the flu vaccine?").citations[0].doc_id == "flu"
    assert engine.health()["index_version"] == before


def test_refresh_is_one_at_a_time(tmp_path: Path) -> None:
    library = InMemoryLibrary(FakeEmbedder(), DOCS)
    engine = ChatEngine(make_settings(tmp_path), FakeEmbedder(), library)
    library.add("flu", "Flu vaccine\n\nThe flu vaccine is recommended every year.")
    with engine._refreshing:  # a load in progress elsewhere
        assert engine.refresh() is False
    assert engine.refresh() is True and engine.refresh() is False
