"""Educator ratings and patient feedback in one SQL store (SQLAlchemy); the records are in ``ratings``.

Where they live: a SQLite file (``CITECARE_RATINGS_DB``, the embedded default for one machine) or, when
``CITECARE_DATABASE_URL`` is set, a PostgreSQL database (psycopg 3) that every app replica shares. The
schema is created on start (``ensure_schema``; several replicas starting at once are serialised by a
PostgreSQL advisory lock). Each write is one INSERT in its own transaction, so replicas writing at the
same time never lose or overwrite one another's rows; SQLite writers wait for the file lock (30 s).

API (the web UI builds on this; create the store once per process and keep it)::

    store = RatingsStore.from_settings(settings)
    store.ensure_schema()                     # at start; raises RatingsUnavailable with a plain reason

    # educators (workbench)
    rid = store.add(Rating(question, answer, thumbs="down", labels=("incomplete",), comment="..."))
    store.all(); store.count()

    # patients (thumbs under an answer)
    fid = store.add_feedback(Feedback(
        thumbs="down",                         # "up" | "down"
        answer_kind=answer.kind,               # one of citecare.types.ANSWER_KINDS
        reason="hard to understand",           # "" or one of FEEDBACK_REASONS (a fixed choice, no free text)
        cited_sources=tuple(c.doc_id for c in answer.citations),   # what was cited: document ids, or
                                                                    # titles where only those are at hand
        consent=False,                         # True only if the patient ticked "share my question and answer"
        question=question, answer_text=answer.text, comment=free_words,  # dropped unless consent
    ))
    store.feedback(); store.feedback_count()

    store.eval_cases(); store.export_jsonl(out)   # ratings, and consented patient feedback, as eval cases

Privacy: without consent, a feedback row holds only thumbs, the fixed reason, the answer kind and the
cited document ids; question, answer text and comment are not stored at all. Bad values (unknown thumbs,
kind, reason or label) raise ``ValueError``; an unreachable database raises ``RatingsUnavailable``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from citecare.app.ratings import (
    FEEDBACK_REASONS,
    MAX_FEEDBACK_TEXT,
    RATING_LABELS,
    Feedback,
    Rating,
    feedback_to_eval_case,
    rating_to_eval_case,
    write_jsonl,
)
from citecare.config import Settings
from citecare.errors import CiteCareError
from citecare.text import parse_history
from citecare.types import ANSWER_KINDS, Answer

_SCHEMA_LOCK_KEY = 0x43697465  # "Cite": the advisory lock that serialises schema creation on PostgreSQL

_metadata = MetaData()
_ratings = Table(
    "ratings", _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", String(40), nullable=False),
    Column("question", Text, nullable=False),
    Column("history", Text, nullable=False),  # JSON list of {"role", "content"}
    Column("answer", Text, nullable=False),  # Answer JSON as shown to the educator
    Column("thumbs", String(4), CheckConstraint("thumbs IN ('up', 'down')", name="ratings_thumbs"), nullable=False),
    Column("labels", Text, nullable=False),  # JSON list of RATING_LABELS
    Column("comment", Text, nullable=False),
    sqlite_autoincrement=True,
)
_feedback = Table(
    "feedback", _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", String(40), nullable=False),
    Column("thumbs", String(4), CheckConstraint("thumbs IN ('up', 'down')", name="feedback_thumbs"),
           nullable=False),
    Column("reason", String(60), nullable=False),
    Column("answer_kind", String(30), nullable=False),
    Column("cited_sources", Text, nullable=False),  # JSON list of document ids
    Column("consent", Boolean, nullable=False),
    Column("question", Text, nullable=True),  # NULL unless the patient agreed to share it
    Column("answer_text", Text, nullable=True),
    Column("comment", Text, nullable=True),
    sqlite_autoincrement=True,
)


class RatingsUnavailable(CiteCareError):
    """The ratings database cannot be reached or written (the message never contains a password)."""


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL in use: CITECARE_DATABASE_URL, else the SQLite file CITECARE_RATINGS_DB."""
    if settings.database_url is not None and settings.database_url.get_secret_value().strip():
        return settings.database_url.get_secret_value().strip()
    return URL.create("sqlite", database=str(Path(settings.ratings_db))).render_as_string(hide_password=False)


def _normalise_url(target: Path | str) -> URL:
    """A path means a SQLite file; bare postgres:// URLs get the psycopg 3 driver (psycopg2 is not installed)."""
    if isinstance(target, Path) or "://" not in str(target):
        return URL.create("sqlite", database=str(Path(target)))
    url = make_url(str(target))
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RatingsStore:
    """Ratings and feedback in one SQL database; the connection pool and schema check are made on first use."""

    def __init__(self, target: Path | str) -> None:
        self.url = _normalise_url(target)
        self._engine: Engine | None = None
        self._schema_ready = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> RatingsStore:
        return cls(database_url(settings))

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.url.database) if self.is_sqlite and self.url.database else None

    def describe(self) -> str:
        """Where the data lives, safe to print (password hidden)."""
        return self.url.render_as_string(hide_password=True)

    def _get_engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                if self.is_sqlite:
                    path = self.sqlite_path
                    if path is not None:
                        path.parent.mkdir(parents=True, exist_ok=True)
                    # No pool: every call opens the file afresh, so other processes' writes are seen at once.
                    self._engine = create_engine(self.url, poolclass=NullPool, connect_args={"timeout": 30})
                else:
                    self._engine = create_engine(
                        self.url, pool_pre_ping=True, pool_size=2, max_overflow=8,
                        connect_args={"connect_timeout": 10},
                    )
            return self._engine

    def ensure_schema(self) -> None:
        """Create the tables if they are missing (safe when several replicas start at once)."""
        if self._schema_ready:
            return
        try:
            with self._get_engine().begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
                _metadata.create_all(conn, checkfirst=True)
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from None
        self._schema_ready = True

    def _unavailable(self, exc: SQLAlchemyError) -> RatingsUnavailable:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else ""
        return RatingsUnavailable(f"ratings database {self.describe()} is unavailable: {type(exc).__name__}"
                                  + (f" ({reason})" if reason else ""))

    def _insert(self, table: Table, values: Mapping[str, Any]) -> int:
        self.ensure_schema()
        try:
            with self._get_engine().begin() as conn:
                result = conn.execute(insert(table).values(**values).returning(table.c.id))
                return int(result.scalar_one())
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from None

    def _select(self, statement: Any) -> list[Any]:
        self.ensure_schema()
        try:
            with self._get_engine().connect() as conn:
                return list(conn.execute(statement).all())
        except SQLAlchemyError as exc:
            raise self._unavailable(exc) from None

    # --- educator ratings ----------------------------------------------------------------------
    def add(self, rating: Rating) -> int:
        """Store a rating and return its id."""
        if rating.thumbs not in ("up", "down"):
            raise ValueError(f"thumbs must be 'up' or 'down', not {rating.thumbs!r}")
        unknown = set(rating.labels) - set(RATING_LABELS)
        if unknown:
            raise ValueError(f"unknown rating labels: {sorted(unknown)}")
        history = [{"role": t.role, "content": t.content} for t in rating.history]
        return self._insert(_ratings, {
            "created_at": rating.created_at or _now(),
            "question": rating.question,
            "history": json.dumps(history, ensure_ascii=False),
            "answer": rating.answer.to_json(),
            "thumbs": rating.thumbs,
            "labels": json.dumps(list(rating.labels)),
            "comment": rating.comment,
        })

    def all(self) -> list[Rating]:
        """Every rating, oldest first."""
        return [_row_to_rating(row) for row in self._select(select(_ratings).order_by(_ratings.c.id))]

    def count(self) -> int:
        return int(self._select(select(func.count()).select_from(_ratings))[0][0])

    # --- patient feedback ----------------------------------------------------------------------
    def add_feedback(self, feedback: Feedback) -> int:
        """Store a patient's feedback and return its id; texts are dropped unless ``feedback.consent``."""
        if feedback.thumbs not in ("up", "down"):
            raise ValueError(f"thumbs must be 'up' or 'down', not {feedback.thumbs!r}")
        if feedback.answer_kind not in ANSWER_KINDS:
            raise ValueError(f"unknown answer kind: {feedback.answer_kind!r}")
        if feedback.reason and feedback.reason not in FEEDBACK_REASONS:
            raise ValueError(f"unknown feedback reason: {feedback.reason!r}")
        consent = bool(feedback.consent)

        def kept(value: str) -> str | None:
            return value[:MAX_FEEDBACK_TEXT] if consent and value else None

        return self._insert(_feedback, {
            "created_at": feedback.created_at or _now(),
            "thumbs": feedback.thumbs,
            "reason": feedback.reason,
            "answer_kind": feedback.answer_kind,
            "cited_sources": json.dumps(list(dict.fromkeys(feedback.cited_sources))),
            "consent": consent,
            "question": kept(feedback.question),
            "answer_text": kept(feedback.answer_text),
            "comment": kept(feedback.comment),
        })

    def feedback(self) -> list[Feedback]:
        """Every patient feedback, oldest first."""
        return [_row_to_feedback(row) for row in self._select(select(_feedback).order_by(_feedback.c.id))]

    def feedback_count(self) -> int:
        return int(self._select(select(func.count()).select_from(_feedback))[0][0])

    # --- export --------------------------------------------------------------------------------
    def eval_cases(self) -> list[dict[str, Any]]:
        """Every rating, then every consented patient feedback, as an eval case (the evals JSONL format)."""
        cases = [rating_to_eval_case(r) for r in self.all()]
        cases += [case for f in self.feedback() if (case := feedback_to_eval_case(f)) is not None]
        return cases

    def export_jsonl(self, out: Path | str) -> int:
        """Write ``eval_cases()`` to ``out`` (JSONL); returns how many were written."""
        cases = self.eval_cases()
        write_jsonl(out, cases)
        return len(cases)

    def close(self) -> None:
        """Close pooled connections (the store can still be used afterwards; it reconnects)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None


def _row_to_rating(row: Any) -> Rating:
    return Rating(
        id=int(row.id),
        created_at=row.created_at,
        question=row.question,
        history=parse_history(json.loads(row.history), strict=False),
        answer=Answer.from_dict(json.loads(row.answer)),
        thumbs=row.thumbs,
        labels=tuple(json.loads(row.labels)),
        comment=row.comment,
    )


def _row_to_feedback(row: Any) -> Feedback:
    return Feedback(
        id=int(row.id),
        created_at=row.created_at,
        thumbs=row.thumbs,
        reason=row.reason,
        answer_kind=row.answer_kind,
        cited_sources=tuple(json.loads(row.cited_sources)),
        consent=bool(row.consent),
        question=row.question or "",
        answer_text=row.answer_text or "",
        comment=row.comment or "",
    )
