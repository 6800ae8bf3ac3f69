"""Educator ratings and patient feedback as records, and how each becomes an eval case.

Owns what a Rating and a Feedback are, the fixed choices they may carry (``RATING_LABELS``,
``FEEDBACK_REASONS``), and their export to the evals JSONL format (``rating_to_eval_case``,
``feedback_to_eval_case``, ``write_jsonl``). Storing them is ``ratings_store.RatingsStore``'s job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from citecare.types import Answer, Turn

Thumbs = Literal["up", "down"]
RATING_LABELS: tuple[str, ...] = ("unsafe", "wrong citation", "incomplete", "hard to read", "other")
FEEDBACK_REASONS: tuple[str, ...] = (
    "not what I asked", "hard to understand", "seems wrong or outdated", "too long", "too short", "other",
)
MAX_FEEDBACK_TEXT = 4000  # a consented question, answer or comment is cut to this many characters


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


@dataclass(frozen=True)
class Feedback:
    """A patient's thumbs up or down on one answer; texts are kept only with ``consent``."""

    thumbs: Thumbs
    answer_kind: str
    reason: str = ""
    cited_sources: tuple[str, ...] = ()
    consent: bool = False
    question: str = ""
    answer_text: str = ""
    comment: str = ""
    id: int | None = None
    created_at: str = field(default="")


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


def feedback_to_eval_case(feedback: Feedback) -> dict[str, Any] | None:
    """An eval case from a patient's consented feedback (None without consent: there is no question).

    A patient is no judge of sources (and the chat page knows cited titles, not document ids), so the case
    expects no particular sources: what was cited goes in the notes for the maintainer who completes it.
    """
    if not feedback.consent or not feedback.question:
        return None
    tags = ["from-patient-feedback", f"thumbs-{feedback.thumbs}"] + ([_tag(feedback.reason)] if feedback.reason else [])
    notes = [f"patient: {feedback.comment}"] if feedback.comment else []
    if feedback.cited_sources:
        notes.append("cited: " + "; ".join(feedback.cited_sources))
    return {
        "id": f"feedback-{feedback.id}",
        "question": feedback.question,
        "expected_kind": feedback.answer_kind,
        "expected_sources": [],
        "must_include": [],
        "must_not_include": [],
        "tags": tags,
        "notes": " | ".join(notes),
    }


def write_jsonl(out: Path | str, rows: Iterable[dict[str, Any]]) -> None:
    """Write ``rows`` to ``out`` as JSON lines (UTF-8), creating its folder."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
