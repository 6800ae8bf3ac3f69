"""Educator ratings: a small SQLite store, and their export as eval cases (JSONL in the evals format)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from citecare.text import parse_history
from citecare.types import Answer, Turn

Thumbs = Literal["up", "down"]
RATING_LABELS: tuple[str, ...] = ("unsafe", "wrong citation", "incomplete", "hard to read", "other")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT NOT NULL,
    question    TEXT NOT NULL,
    history     TEXT NOT NULL,  -- JSON list of {"role", "content"}
    answer      TEXT NOT NULL,  -- Answer JSON as shown to the educator
    thumbs      TEXT NOT NULL CHECK (thumbs IN ('up', 'down')),
    labels      TEXT NOT NULL,  -- JSON list of RATING_LABELS
    comment     TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Rating:
    """One educator's judgement of one answer."""

    question: str
    answer: Answer
    thumbs: Thumbs
    labels: tuple[str, ...] = ()
    comment: str = ""
    history: tuple[Turn, ...] = ()
    id: int | None = None
    created_at: str = field(default="")


class RatingsStore:
    """Ratings in one SQLite file, created (with its folder) on first use."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path)) as conn:
            conn.execute(_SCHEMA)
            with conn:  # commits on success, rolls back on error
                yield conn

    def add(self, rating: Rating) -> int:
        """Store a rating and return its id."""
        if rating.thumbs not in ("up", "down"):
            raise ValueError(f"thumbs must be 'up' or 'down', not {rating.thumbs!r}")
        unknown = set(rating.labels) - set(RATING_LABELS)
        if unknown:
            raise ValueError(f"unknown rating labels: {sorted(unknown)}")
        created = rating.created_at or datetime.now(UTC).isoformat(timespec="seconds")
        history = [{"role": t.role, "content": t.content} for t in rating.history]
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO ratings (created_at, question, history, answer, thumbs, labels, comment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (created, rating.question, json.dumps(history, ensure_ascii=False), rating.answer.to_json(),
                 rating.thumbs, json.dumps(list(rating.labels)), rating.comment),
            )
            return int(cur.lastrowid or 0)

    def all(self) -> list[Rating]:
        """Every rating, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, created_at, question, history, answer, thumbs, labels, comment FROM ratings ORDER BY id"
            ).fetchall()
        return [_row_to_rating(row) for row in rows]

    def count(self) -> int:
        with self._connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0])

    def export_jsonl(self, out: Path | str) -> int:
        """Write every rating as an eval case to `out` (JSONL); returns how many were written."""
        cases = [rating_to_eval_case(r) for r in self.all()]
        write_jsonl(out, cases)
        return len(cases)


def _row_to_rating(row: Sequence[Any]) -> Rating:
    rid, created, question, history, answer, thumbs, labels, comment = row
    return Rating(
        id=int(rid),
        created_at=created,
        question=question,
        history=parse_history(json.loads(history), strict=False),
        answer=Answer.from_dict(json.loads(answer)),
        thumbs=thumbs,
        labels=tuple(json.loads(labels)),
        comment=comment,
    )


def _tag(label: str) -> str:
    return label.strip().lower().replace(" ", "-")


def rating_to_eval_case(rating: Rating) -> dict[str, Any]:
    """An eval case in the evals JSONL format, seeded from a rating.

    A thumbs-up answer becomes the expectation (its kind and cited documents). A thumbs-down keeps the
    kind that was given but expects no particular sources, so the maintainer fills in what is right.
    """
    trust_sources = rating.thumbs == "up" and "wrong citation" not in rating.labels
    sources = list(dict.fromkeys(c.doc_id for c in rating.answer.citations)) if trust_sources else []
    case: dict[str, Any] = {"id": f"rating-{rating.id}", "question": rating.question}
    if rating.history:
        case["history"] = [{"role": t.role, "content": t.content} for t in rating.history]
    case.update(
        expected_kind=rating.answer.kind,
        expected_sources=sources,
        must_include=[],
        must_not_include=[],
        tags=["from-rating", f"thumbs-{rating.thumbs}", *(_tag(label) for label in rating.labels)],
        notes=rating.comment,
    )
    return case


def write_jsonl(out: Path | str, rows: Iterable[dict[str, Any]]) -> None:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
