"""Ratings store: round trip, persistence across reopening, export to eval cases (store and CLI)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from citecare.app.ratings import Rating, RatingsStore, rating_to_eval_case
from citecare.app.serve_command import register
from citecare.types import Answer, Citation, Turn


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
