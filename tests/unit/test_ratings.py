"""Ratings and patient feedback store (SQLite here; PostgreSQL in tests/e2e): round trip, privacy, concurrency, export."""

from __future__ import annotations

import json
import socket
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from citecare.app.ratings import (
    FEEDBACK_REASONS,
    MAX_FEEDBACK_TEXT,
    Feedback,
    Rating,
    feedback_to_eval_case,
    rating_to_eval_case,
)
from citecare.app.ratings_store import RatingsStore, RatingsUnavailable, database_url
from citecare.app.serve_command import register
from citecare.types import Answer, Citation, Turn
from tests.conftest import make_settings


def _answer(kind: str = "answer") -> Answer:
    cite = Citation(n=1, doc_id="immunosuppressants-and-chronic-pain", chunk_id="c1", title="Immunosuppressants",
                    source="CiteCare", url="", reviewed="2024-05", passage="Regular blood tests help.",
                    quote="Regular blood tests help.")
    return Answer(kind=kind, text="Regular blood tests help. [1]", citations=(cite, cite), disclaimer="Not advice.",  # type: ignore[arg-type]
                  resolved_question="why blood tests")


def test_round_trip_and_reopen(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "ratings.sqlite3"  # the folder does not exist yet
    rating = Rating(question="Why blood tests? <b>", answer=_answer(), thumbs="down",
                    labels=("incomplete", "hard to read"), comment="too short — ünïcode",
                    history=(Turn("user", "hi"), Turn("assistant", "hello")))
    rid = RatingsStore(db).add(rating)
    assert db.exists() and rid == 1

    reopened = RatingsStore(db).all()  # a new store object, as after a restart
    assert len(reopened) == 1
    got = reopened[0]
    assert got.id == 1 and got.created_at
    assert (got.question, got.thumbs, got.labels, got.comment) == (rating.question, "down", rating.labels,
                                                                    rating.comment)
    assert got.history == rating.history
    assert got.answer == rating.answer
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0] == 1


def test_rejects_unknown_labels_and_thumbs(tmp_path: Path) -> None:
    store = RatingsStore(tmp_path / "r.db")
    with pytest.raises(ValueError):
        store.add(Rating(question="q", answer=_answer(), thumbs="up", labels=("rude",)))
    with pytest.raises(ValueError):
        store.add(Rating(question="q", answer=_answer(), thumbs="sideways"))  # type: ignore[arg-type]
    assert store.count() == 0


def test_eval_case_format() -> None:
    up = rating_to_eval_case(Rating(id=7, question="Why blood tests?", answer=_answer(), thumbs="up",
                                    comment="good"))
    assert up == {
        "id": "rating-7",
        "question": "Why blood tests?",
        "expected_kind": "answer",
        "expected_sources": ["immunosuppressants-and-chronic-pain"],  # de-duplicated
        "must_include": [],
        "must_not_include": [],
        "tags": ["from-rating", "thumbs-up"],
        "notes": "good",
    }
    down = rating_to_eval_case(Rating(id=8, question="and the risks?", answer=_answer("no_evidence"),
                                      thumbs="down", labels=("wrong citation", "unsafe"),
                                      history=(Turn("user", "Why blood tests?"),)))
    assert down["history"] == [{"role": "user", "content": "Why blood tests?"}]
    assert down["expected_kind"] == "no_evidence"
    assert down["expected_sources"] == []  # a wrong citation is not an expectation
    assert down["tags"] == ["from-rating", "thumbs-down", "wrong-citation", "unsafe"]


def test_export_jsonl_and_cli(tmp_path: Path) -> None:
    db = tmp_path / "ratings.sqlite3"
    store = RatingsStore(db)
    store.add(Rating(question="q1", answer=_answer(), thumbs="up"))
    store.add(Rating(question="q2", answer=_answer(), thumbs="down", labels=("other",), comment="x"))
    out = tmp_path / "cases.jsonl"
    assert store.export_jsonl(out) == 2
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["rating-1", "rating-2"]

    app = typer.Typer()
    register(app)
    cli_out = tmp_path / "cli" / "cases.jsonl"
    result = CliRunner().invoke(app, ["export-ratings", "--out", str(cli_out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 eval case" in result.output
    assert cli_out.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")

    missing = CliRunner().invoke(app, ["export-ratings", "--out", str(cli_out), "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1


# --- patient feedback, shared database URL, concurrency -------------------------------------------------



def test_feedback_without_consent_stores_no_text(tmp_path: Path) -> None:
    store = RatingsStore(tmp_path / "r.sqlite3")
    fid = store.add_feedback(Feedback(thumbs="down", answer_kind="answer", reason="hard to understand",
                                      cited_sources=("doc-a", "doc-b", "doc-a"), consent=False,
                                      question="my son Tom takes methotrexate", answer_text="Regular blood tests.",
                                      comment="I live at 5 Main St"))
    got = store.feedback()
    assert fid == got[0].id == 1 and store.feedback_count() == 1
    assert (got[0].thumbs, got[0].reason, got[0].answer_kind, got[0].consent) == ("down", "hard to understand",
                                                                                  "answer", False)
    assert got[0].cited_sources == ("doc-a", "doc-b")
    assert got[0].question == got[0].answer_text == got[0].comment == ""
    with sqlite3.connect(tmp_path / "r.sqlite3") as conn:
        raw = json.dumps(conn.execute("SELECT * FROM feedback").fetchall())
    for secret in ("Tom", "methotrexate", "blood", "Main St"):
        assert secret not in raw  # not stored at all, not merely hidden
    assert feedback_to_eval_case(got[0]) is None


def test_feedback_with_consent_keeps_text_and_exports(tmp_path: Path) -> None:
    store = RatingsStore(tmp_path / "r.sqlite3")
    store.add(Rating(question="q1", answer=_answer(), thumbs="up"))
    store.add_feedback(Feedback(thumbs="up", answer_kind="answer", cited_sources=("doc-a",), consent=True,
                                question="Why blood tests?", answer_text="Because. [1]", comment="x" * 9000))
    store.add_feedback(Feedback(thumbs="down", answer_kind="no_evidence", reason="not what I asked", consent=True,
                                question="Can I drink on it?"))
    store.add_feedback(Feedback(thumbs="down", answer_kind="answer"))  # no consent: not an eval case
    up, down, _ = store.feedback()
    assert up.question == "Why blood tests?" and up.answer_text == "Because. [1]"
    assert len(up.comment) == MAX_FEEDBACK_TEXT
    out = tmp_path / "cases.jsonl"
    assert store.export_jsonl(out) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["rating-1", "feedback-1", "feedback-2"]
    assert rows[1]["expected_sources"] == [] and rows[1]["tags"] == ["from-patient-feedback", "thumbs-up"]
    assert rows[1]["notes"] == "patient: " + "x" * MAX_FEEDBACK_TEXT + " | cited: doc-a"
    assert rows[2]["expected_kind"] == "no_evidence" and rows[2]["expected_sources"] == []
    assert rows[2]["tags"] == ["from-patient-feedback", "thumbs-down", "not-what-i-asked"]


def test_feedback_rejects_bad_values(tmp_path: Path) -> None:
    store = RatingsStore(tmp_path / "r.sqlite3")
    for bad in (Feedback(thumbs="meh", answer_kind="answer"),  # type: ignore[arg-type]
                Feedback(thumbs="up", answer_kind="poem"),
                Feedback(thumbs="up", answer_kind="answer", reason="free text a patient typed")):
        with pytest.raises(ValueError):
            store.add_feedback(bad)
    assert store.feedback_count() == 0
    assert "other" in FEEDBACK_REASONS


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    """Many threads, each with its own store object (as separate replicas would have), write at once."""
    db = tmp_path / "r.sqlite3"
    RatingsStore(db).ensure_schema()

    def write(worker: int) -> list[int]:
        store = RatingsStore(db)
        ids = []
        for i in range(10):
            ids.append(store.add(Rating(question=f"w{worker}-{i}", answer=_answer(), thumbs="up")))
            ids.append(store.add_feedback(Feedback(thumbs="down", answer_kind="answer")))
        return ids

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(write, range(8)))
    store = RatingsStore(db)
    assert store.count() == 80 and store.feedback_count() == 80
    assert sorted(r.question for r in store.all()) == sorted(f"w{w}-{i}" for w in range(8) for i in range(10))
    assert len({rid for ids in results for rid in ids[::2]}) == 80  # every rating got its own id


def test_database_url_setting_and_url_forms(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert RatingsStore.from_settings(settings).sqlite_path == tmp_path / "ratings.sqlite3"
    shared = make_settings(tmp_path, database_url="postgresql://cc:s3cret@127.0.0.1:5/citecare")
    assert database_url(shared).startswith("postgresql://")
    store = RatingsStore.from_settings(shared)
    assert store.url.drivername == "postgresql+psycopg" and store.sqlite_path is None
    assert "s3cret" not in store.describe() and "s3cret" not in repr(shared)


def test_unreachable_database_is_a_named_error_without_the_password(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = RatingsStore(f"postgresql://cc:s3cret@127.0.0.1:{port}/citecare")
    with pytest.raises(RatingsUnavailable) as info:
        store.add(Rating(question="q", answer=_answer(), thumbs="up"))
    assert "s3cret" not in str(info.value) and "127.0.0.1" in str(info.value)


def test_doctor_checks_the_ratings_database(tmp_path: Path) -> None:
    from citecare.app.doctor import check_ratings

    ok = check_ratings(make_settings(tmp_path))
    assert ok.ok and "0 rating(s)" in ok.detail
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = check_ratings(make_settings(tmp_path, database_url=f"postgresql://cc:pw-secret@127.0.0.1:{port}/x"))
    assert not down.ok and "CITECARE_DATABASE_URL" in down.fix and "pw-secret" not in down.detail
