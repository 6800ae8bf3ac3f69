"""The patient chat: questions in, streamed answers out. Chat history lives only in the browser (the Chatbot's
value); the server keeps none."""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from citecare.app.web.render import plain_text, render_answer, render_error, render_streaming, render_user
from citecare.config import Settings
from citecare.errors import IndexNotReady
from citecare.protocols import AnswerEngine
from citecare.text import parse_history
from citecare.types import Answer, Turn

log = logging.getLogger(__name__)

SORRY = (
    "Sorry — something went wrong on our side and I couldn't answer that. Please try again in a moment. "
    "If you need help now, contact your care team."
)
NOT_READY = "Sorry — CiteCare's sources are not loaded yet, so I can't answer right now. Please try again later."
MAX_HISTORY_MESSAGES = 40  # bounds what a browser (or API caller) can make the engine read



def _content_text(message: dict[str, Any]) -> str:
    content = message.get("content", "")
    if isinstance(content, list):  # Gradio's normalised form: [{"type": "text", "text": ...}, ...]
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def normalise_messages(messages: Sequence[dict[str, Any]] | None) -> list[dict[str, str]]:
    """The Chatbot value as plain {"role", "content"} dicts; user messages re-escaped so that a crafted
    value sent back by a client cannot smuggle markup in."""
    out = []
    for message in (messages or [])[-MAX_HISTORY_MESSAGES:]:
        role, content = message.get("role"), _content_text(message)
        if role == "user":
            out.append({"role": "user", "content": render_user(html.unescape(content))})
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


# --- the patient chat -----------------------------------------------------------------------------


@dataclass
class PatientChat:
    engine: AnswerEngine
    settings: Settings

    def add_question(self, question: str, messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
        """Show the typed question in the chat and clear the box."""
        msgs = normalise_messages(messages)
        question = question.strip()[: self.settings.max_question_chars * 2]
        if question:
            msgs.append({"role": "user", "content": render_user(question)})
        return "", msgs

    def add_example(self, messages: list[dict[str, Any]], evt: gr.SelectData) -> tuple[str, list[dict[str, str]]]:
        value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
        return self.add_question(str(value.get("text", "")), messages)

    def respond(self, messages: list[dict[str, Any]]) -> Iterator[list[dict[str, str]]]:
        """Stream the answer to the last, unanswered user message."""
        msgs = normalise_messages(messages)
        if not msgs or msgs[-1]["role"] != "user":
            yield msgs
            return
        question, history = plain_text(msgs[-1]["content"]), turns_from(msgs[:-1])
        text, started = "", time.perf_counter()
        try:
            for event in self.engine.stream(question, history):
                if event.answer is not None:
                    self._log(event.answer, question, started)
                    yield [*msgs, {"role": "assistant", "content": render_answer(event.answer)}]
                    return
                text += event.delta
                yield [*msgs, {"role": "assistant", "content": render_streaming(text)}]
            raise RuntimeError("the answer stream ended without an answer")
        except Exception as exc:  # a patient never sees a traceback
            log.error("chat answer failed: %s", type(exc).__name__)
            message = NOT_READY if isinstance(exc, IndexNotReady) else SORRY
            yield [*msgs, {"role": "assistant", "content": render_error(message)}]

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
        ms = (time.perf_counter() - started) * 1000
        if self.settings.log_chat_text:
            log.info("answered kind=%s citations=%d ms=%.0f question=%r", answer.kind, len(answer.citations), ms, question)
        else:
            log.info("answered kind=%s citations=%d ms=%.0f", answer.kind, len(answer.citations), ms)


