"""The patient chat: questions in, streamed answers out, then follow-ups the engine has checked it can answer.

Chat history lives only in the browser (the Chatbot's value, kept across reloads in the browser's storage);
the server keeps none.
"""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import gradio as gr

from citecare.app.logging import log_event
from citecare.app.ratings_store import RatingsStore
from citecare.app.web.feedback import feedback_from_messages
from citecare.app.web.render import (
    plain_text,
    render_answer,
    render_error,
    render_streaming,
    render_user,
    rerender_user,
)
from citecare.app.web.strings import language_of, reason_label, texts
from citecare.config import Settings
from citecare.errors import IndexNotReady
from citecare.protocols import AnswerEngine
from citecare.text import parse_history
from citecare.types import Answer, LibraryOverview, Turn

log = logging.getLogger(__name__)

SORRY = (
    "Sorry — something went wrong on our side and I couldn't answer that. Please try again in a moment. "
    "If you need help now, contact your care team."
)
NOT_READY = "Sorry — CiteCare's sources are not loaded yet, so I can't answer right now. Please try again later."
MAX_HISTORY_MESSAGES = 40  # bounds what a browser (or API caller) can make the engine read

Messages = list[dict[str, Any]]


def _content_text(message: dict[str, Any]) -> str:
    content = message.get("content", "")
    if isinstance(content, list):  # Gradio's normalised form: [{"type": "text", "text": ...}, ...]
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def normalise_messages(messages: Sequence[dict[str, Any]] | None) -> list[dict[str, str]]:
    """The Chatbot value as plain {"role", "content"} dicts (suggested follow-ups dropped); user messages
    re-escaped so that a crafted value sent back by a client cannot smuggle markup in."""
    out = []
    for message in (messages or [])[-MAX_HISTORY_MESSAGES:]:
        role, content = message.get("role"), _content_text(message)
        if role == "user":
            out.append({"role": "user", "content": rerender_user(content)})
        elif role == "assistant":
            out.append({"role": "assistant", "content": content})
    return out


def turns_from(messages: Sequence[dict[str, str]]) -> tuple[Turn, ...]:
    return tuple(
        Turn(role="user" if m["role"] == "user" else "assistant", content=plain_text(m["content"]))
        for m in messages
    )


def turns_from_json(history_json: str) -> tuple[Turn, ...]:
    """Parse an API caller's history: a JSON list of {"role": "user"|"assistant", "content": str}."""
    return parse_history(json.loads(history_json or "[]"), limit=MAX_HISTORY_MESSAGES)


def _language(request: gr.Request | None) -> str:
    headers = getattr(request, "headers", None) or {}
    return language_of(headers.get("accept-language"))


@dataclass
class PatientChat:
    engine: AnswerEngine
    settings: Settings

    @cached_property
    def store(self) -> RatingsStore:
        """One store per app: the SQLite file or the shared database (CITECARE_DATABASE_URL)."""
        return RatingsStore.from_settings(self.settings)

    def overview(self) -> LibraryOverview | None:
        """What the library covers, for the first screen; None while the engine is starting or failing."""
        try:
            return self.engine.overview()
        except Exception as exc:  # the page still says what CiteCare is and what it cannot do
            log.info("library overview not available: %s", type(exc).__name__)
            return None

    def example_questions(self) -> tuple[str, ...]:
        overview = self.overview()
        return overview.examples if overview else ()

    def add_question(self, question: str, messages: Messages, request: gr.Request | None = None
                     ) -> tuple[str, list[dict[str, str]], str]:
        """Show the typed question in the chat (a long paste cut short) and clear the box. Returns the box,
        the chat and the question as typed, which the answer step reads."""
        msgs = normalise_messages(messages)
        typed = (question or "").strip()
        if typed:
            msgs.append({"role": "user", "content": render_user(typed, _language(request))})
        # Twice the limit reaches the engine, which refuses it kindly as too long.
        return "", msgs, typed[: self.settings.max_question_chars * 2]

    def add_selected(self, messages: Messages, evt: gr.SelectData, request: gr.Request | None = None
                     ) -> tuple[str, list[dict[str, str]], str]:
        """An example or a suggested follow-up was tapped: ask it."""
        value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
        return self.add_question(str(value.get("text") or value.get("value") or ""), messages, request)

    def respond(self, messages: Messages, question: str = "", request: gr.Request | None = None
                ) -> Iterator[Messages]:
        """Stream the answer to the last, unanswered user message; then offer checked follow-ups."""
        msgs = normalise_messages(messages)
        if not msgs or msgs[-1]["role"] != "user":
            yield msgs
            return
        language = _language(request)
        question = question or plain_text(msgs[-1]["content"])
        history = turns_from(msgs[:-1])
        text, started = "", time.perf_counter()
        answer: Answer | None = None
        try:
            for event in self.engine.stream(question, history):
                if event.answer is not None:
                    answer = event.answer
                    break
                text += event.delta
                yield [*msgs, {"role": "assistant", "content": render_streaming(text)}]
            if answer is None:
                raise RuntimeError("the answer stream ended without an answer")
        except Exception as exc:  # a patient never sees a traceback
            log.error("chat answer failed: %s", type(exc).__name__)
            message = NOT_READY if isinstance(exc, IndexNotReady) else SORRY
            yield [*msgs, {"role": "assistant", "content": render_error(message, language,
                                                                      self.settings.emergency_number)}]
            return
        self._log(answer, question, started)
        final: dict[str, Any] = {"role": "assistant", "content": self._render(answer, language)}
        yield [*msgs, final]
        follow_ups = self._follow_ups(answer, history)
        if follow_ups:
            yield [*msgs, {**final, "options": [{"value": q, "label": q} for q in follow_ups]}]

    def _render(self, answer: Answer, language: str) -> str:
        s = self.settings
        examples = self.example_questions() if answer.kind in ("no_evidence", "out_of_scope") else ()
        return render_answer(answer, examples, language, (s.emergency_number, s.crisis_line, s.poison_control))

    def _follow_ups(self, answer: Answer, history: tuple[Turn, ...]) -> list[str]:
        try:
            return list(self.engine.suggest_follow_ups(answer, history))
        except Exception as exc:  # suggestions are a nicety: never spoil the answer
            log.warning("follow-up suggestions failed: %s", type(exc).__name__)
            return []

    def feedback(self, messages: Messages, consent: bool, last: Any, evt: gr.LikeData,
                 request: gr.Request | None = None) -> tuple[str, Any]:
        """A thumbs up/down or a reason on one answer, stored with the educator ratings (chat text only with
        consent). Returns the status line shown to the patient, and what was stored last (Gradio can report one
        reason twice; a repeat within a few seconds is not stored again)."""
        t = texts(_language(request))
        liked = evt.liked
        thumbs: Literal["up", "down"]
        if liked is True or liked is False:
            thumbs, reason = ("up" if liked else "down"), ""
        elif isinstance(liked, str) and (label := reason_label(liked)) is not None:
            thumbs, reason = "down", label
        else:
            return "", last  # an un-like: nothing to store
        index = evt.index if isinstance(evt.index, int) else (evt.index[0] if evt.index else -1)
        key = [int(index), thumbs, reason, bool(consent)]
        thanks = f'<p class="cc-feedback-msg" role="status">{html.escape(t["feedback_thanks"])}</p>'
        if isinstance(last, dict) and last.get("key") == key and time.monotonic() - last.get("at", 0.0) < 5:
            return thanks, last
        item = feedback_from_messages(normalise_messages(messages), int(index), thumbs, reason, bool(consent))
        if item is None:
            return "", last
        try:
            self.store.add_feedback(item)
        except Exception as exc:
            log.error("saving patient feedback failed: %s", type(exc).__name__)
            return f'<p class="cc-feedback-msg" role="status">{html.escape(t["feedback_failed"])}</p>', last
        return thanks, {"key": key, "at": time.monotonic()}

    def answer_api(self, question: str, history_json: str = "[]") -> dict[str, Any]:
        """Answer a question from CiteCare's sources. history_json: a JSON list of {role, content}
        messages ("[]" for none). Returns the Answer as JSON (kind, text, citations, disclaimer, ...)."""
        try:
            history = turns_from_json(history_json)
        except ValueError as exc:
            raise gr.Error(f"Invalid history_json: {exc}") from None
        started = time.perf_counter()
        try:
            answer = self.engine.ask(question, history)
        except Exception as exc:
            log.error("api answer failed: %s", type(exc).__name__)
            raise gr.Error(NOT_READY if isinstance(exc, IndexNotReady) else SORRY) from None
        self._log(answer, question, started)
        return answer.to_dict()

    def _log(self, answer: Answer, question: str, started: float) -> None:
        # Through the one redacting logger: the question only when log_chat_text is on, and redacted then.
        log_event(log, self.settings, "answered", kind=answer.kind, citations=len(answer.citations),
                  ms=round((time.perf_counter() - started) * 1000), question=question)
