"""The educator workbench: sign-in, test answers with their evidence, rate them, export ratings as eval cases."""

from __future__ import annotations

import hmac
import logging
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import gradio as gr

from citecare.app.ratings import RATING_LABELS, Rating
from citecare.app.ratings_store import RatingsStore
from citecare.app.web.chat import turns_from_json
from citecare.app.web.render import render_answer
from citecare.config import Settings
from citecare.protocols import AnswerEngine
from citecare.text import parse_history
from citecare.types import Answer

log = logging.getLogger(__name__)

WORKBENCH_OFF = (
    "The educator workbench is off: set CITECARE_EDUCATOR_USERNAME and CITECARE_EDUCATOR_PASSWORD "
    "to turn it on."
)



def check_credentials(settings: Settings, username: str, password: str) -> bool:
    """Constant-time comparison against the configured educator credentials; False when none are set."""
    if not workbench_enabled(settings):
        return False
    assert settings.educator_username is not None and settings.educator_password is not None
    user_ok = hmac.compare_digest(username.encode(), settings.educator_username.encode())
    pass_ok = hmac.compare_digest(password.encode(), settings.educator_password.get_secret_value().encode())
    return user_ok and pass_ok


def workbench_enabled(settings: Settings) -> bool:
    return bool(settings.educator_username) and bool(
        settings.educator_password and settings.educator_password.get_secret_value()
    )


CHUNK_HEADERS = ["#", "Source", "Dense rank", "BM25 rank", "Fused score", "Used?", "Passage", "Quarantined"]
USED_HEADERS = ["n", "Sentence used", "Source"]


def _rank(value: int | None) -> str:
    return "—" if value is None else str(value)


def retrieved_rows(answer: Answer) -> list[list[str]]:
    return [
        [str(i), r.title, _rank(r.dense_rank), _rank(r.bm25_rank), f"{r.score:.4f}", "yes" if r.used else "no",
         r.text, " | ".join(r.quarantined)]
        for i, r in enumerate(answer.retrieved, start=1)
    ]


def used_rows(answer: Answer) -> list[list[str]]:
    return [[str(c.n), c.quote, c.title] for c in answer.citations]


@dataclass
class Workbench:
    engine: AnswerEngine
    settings: Settings

    @cached_property
    def store(self) -> RatingsStore:
        """One store (one connection pool) per app: SQLite file or the shared database (CITECARE_DATABASE_URL)."""
        return RatingsStore.from_settings(self.settings)

    def login(self, username: str, password: str) -> tuple[bool, str, Any, Any]:
        ok = check_credentials(self.settings, username or "", password or "")
        if not ok:
            log.warning("educator sign-in refused")
            return False, "**Wrong username or password.**", gr.update(visible=True), gr.update(visible=False)
        return True, "", gr.update(visible=False), gr.update(visible=True)

    def logout(self) -> tuple[bool, str, Any, Any, None]:
        return False, "Signed out.", gr.update(visible=True), gr.update(visible=False), None

    def ask(self, authed: bool, question: str, history_json: str) -> tuple[Any, ...]:
        if not authed:
            raise gr.Error("Please sign in first.")
        if not question.strip():
            raise gr.Error("Type a question first.")
        try:
            history = turns_from_json(history_json)
        except ValueError as exc:
            raise gr.Error(f"Earlier conversation: {exc}") from None
        try:
            answer = self.engine.ask(question, history)
        except Exception as exc:
            log.error("workbench answer failed: %s", type(exc).__name__)
            raise gr.Error(f"The engine failed ({type(exc).__name__}); see the server log.") from None
        last = {"question": question, "history": [asdict(t) for t in history], "answer": answer.to_dict()}
        return (
            render_answer(answer),
            answer.kind,
            answer.writer,
            answer.resolved_question,
            retrieved_rows(answer),
            used_rows(answer),
            answer.verification,
            answer.timings_ms,
            last,
            "",
        )

    def rate(self, authed: bool, last: dict[str, Any] | None, thumbs: str | None, labels: list[str],
             comment: str) -> str:
        if not authed:
            raise gr.Error("Please sign in first.")
        if not last:
            raise gr.Error("Ask a question first, then rate its answer.")
        if thumbs not in ("up", "down"):
            raise gr.Error("Choose thumbs up or thumbs down.")
        rating = Rating(
            question=last["question"],
            history=parse_history(last["history"], strict=False),
            answer=Answer.from_dict(last["answer"]),
            thumbs="up" if thumbs == "up" else "down",
            labels=tuple(label for label in RATING_LABELS if label in (labels or [])),
            comment=(comment or "").strip(),
        )
        rid = self.store.add(rating)
        return f"Saved rating #{rid} ({self.store.count()} in total)."

    def export(self, authed: bool) -> tuple[str | None, str]:
        if not authed:
            raise gr.Error("Please sign in first.")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path(tempfile.mkdtemp(prefix="citecare-export-")) / f"citecare-eval-cases-{stamp}.jsonl"
        n = self.store.export_jsonl(out)
        return str(out), f"Exported {n} eval case(s)."


