"""The web app: patient chat and educator workbench. The only module that imports Gradio.

Security model: every piece of text typed by a user or taken from a document is HTML-escaped here
before it is put into markup; the Chatbot renders messages as HTML (markdown off, so no markdown
images or links can be smuggled in) and Gradio's sanitizer stays on as a second line of defence.
Chat history lives only in the browser (the Chatbot's value); the server keeps none.
"""

from __future__ import annotations

import os

# Gradio and the HF hub phone home at import time unless told not to: set this before importing them.
os.environ.update(
    GRADIO_ANALYTICS_ENABLED="False",
    HF_HUB_OFFLINE="1",
    HF_HUB_DISABLE_TELEMETRY="1",
    ANONYMIZED_TELEMETRY="False",
)

import hmac  # noqa: E402
import html  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gradio as gr  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402

from citecare.app.ratings import RATING_LABELS, Rating, RatingsStore  # noqa: E402
from citecare.config import Settings  # noqa: E402
from citecare.errors import IndexNotReady  # noqa: E402
from citecare.protocols import AnswerEngine  # noqa: E402
from citecare.text import parse_history, replace_markers
from citecare.types import ANSWER_KINDS, Answer, Citation, Turn  # noqa: E402

log = logging.getLogger(__name__)

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Why do I need blood tests on immunosuppressants?",
    "How do immunosuppressants help with chronic pain?",
    "What are the risks of taking immunosuppressants?",
    "Which immunosuppressants are commonly used?",
)
SORRY = (
    "Sorry — something went wrong on our side and I couldn't answer that. Please try again in a moment. "
    "If you need help now, contact your care team."
)
NOT_READY = "Sorry — CiteCare's sources are not loaded yet, so I can't answer right now. Please try again later."
WORKBENCH_OFF = (
    "The educator workbench is off: set CITECARE_EDUCATOR_USERNAME and CITECARE_EDUCATOR_PASSWORD "
    "to turn it on."
)
MAX_HISTORY_MESSAGES = 40  # bounds what a browser (or API caller) can make the engine read

_TAG = re.compile(r"<[^>]*>")
_ANSWER_TEXT = re.compile(r'<div class="cc-answer-text[^"]*">(.*?)</div>', re.S)


# --- HTML rendering: pure functions, every argument escaped -----------------------------------------


def esc(text: object) -> str:
    """HTML-escape anything (quotes too, so it is safe inside attribute values)."""
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    """Escaped text as <p> paragraphs, with [n] citation markers as superscripts."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for para in paras:
        body = esc(para).replace("\n", "<br>")
        out.append("<p>" + replace_markers(body, lambda n: f'<sup class="cc-ref">[{n}]</sup>') + "</p>")
    return "".join(out)


def _span(passage: str, quote: str) -> tuple[int, int] | None:
    start = passage.find(quote)
    if start >= 0:
        return start, start + len(quote)
    match = re.search(r"\s+".join(re.escape(w) for w in quote.split()), passage, re.I)
    return match.span() if match else None


def highlight(passage: str, quote: str, *more: str) -> str:
    """The escaped passage with every quoted sentence wrapped in <mark> (whitespace/case tolerant)."""
    quotes = [q.strip() for q in (quote, *more) if q.strip()]
    spans = sorted(span for q in quotes if (span := _span(passage, q)) is not None)
    missing = [q for q in quotes if _span(passage, q) is None]
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue  # overlapping quotes: the first one already marks this text
        out.append(f"{esc(passage[cursor:start])}<mark>{esc(passage[start:end])}</mark>")
        cursor = end
    out.append(esc(passage[cursor:]))
    for q in missing[:1]:
        out.append(f'<br><span class="cc-quote-label">Quoted:</span> <mark>{esc(q)}</mark>')
    return "".join(out)


def safe_link(url: str) -> str:
    """A web address as an inert-by-default link (http/https only), anything else as plain text."""
    url = url.strip()
    if re.match(r"^https?://[^\s\"'<>]+$", url, re.I):
        return f'<a href="{esc(url)}" rel="noopener noreferrer nofollow" target="_blank">{esc(url)}</a>'
    return esc(url)


def render_citation(cite: Citation) -> str:
    reviewed = f"reviewed {esc(cite.reviewed)}" if cite.reviewed else "review date unknown"
    outdated = ' <span class="cc-outdated">possibly outdated</span>' if cite.outdated else ""
    publisher = f" — {esc(cite.source)}" if cite.source else ""
    url = f'<p class="cc-src-url">Source: {safe_link(cite.url)}</p>' if cite.url else ""
    return (
        f'<details class="cc-source"><summary><span class="cc-src-n">[{int(cite.n)}]</span> '
        f'<span class="cc-src-title">{esc(cite.title)}</span>{publisher} '
        f'<span class="cc-src-date">· {reviewed}</span>{outdated}</summary>'
        f'<blockquote class="cc-passage">{highlight(cite.passage, cite.quote, *cite.quotes)}</blockquote>{url}</details>'
    )


def render_answer(answer: Answer, examples: Sequence[str] = EXAMPLE_QUESTIONS) -> str:
    """One assistant message: the answer (an alert first for emergencies), its sources, the disclaimer."""
    kind = answer.kind if answer.kind in ANSWER_KINDS else "answer"
    text = f'<div class="cc-answer-text">{_paragraphs(answer.text)}</div>'
    if kind == "emergency":
        body = f'<div class="cc-emergency" role="alert"><p class="cc-emergency-title">Emergency</p>{text}</div>'
    elif kind == "answer":
        body = text
    else:
        hint = ""
        if kind in ("no_evidence", "out_of_scope") and examples:
            hint = f'<p class="cc-help">I can help with questions my sources cover, for example: “{esc(examples[0])}”</p>'
        body = f'<div class="cc-note" role="note">{text}{hint}</div>'
    sources = ""
    if answer.citations:
        items = "".join(render_citation(c) for c in answer.citations)
        sources = f'<div class="cc-sources"><p class="cc-sources-title">Sources (select to open)</p>{items}</div>'
    disclaimer = f'<p class="cc-disclaimer">{esc(answer.disclaimer)}</p>' if answer.disclaimer else ""
    return f'<div class="cc-msg cc-final cc-kind-{kind}">{body}{sources}{disclaimer}</div>'


def render_streaming(text: str) -> str:
    """An answer still arriving."""
    return f'<div class="cc-msg cc-streaming"><div class="cc-answer-text">{_paragraphs(text)}</div></div>'


def render_error(message: str) -> str:
    return f'<div class="cc-msg cc-final cc-kind-error"><div class="cc-answer-text cc-note">{_paragraphs(message)}</div></div>'


def render_user(text: str) -> str:
    return esc(text)


def plain_text(content: str) -> str:
    """The text of a message rendered by this module (the answer body only for assistant messages)."""
    match = _ANSWER_TEXT.search(content)
    body = match.group(1) if match else content
    body = body.replace("</p><p>", "\n\n").replace("<br>", "\n")
    return html.unescape(_TAG.sub("", body)).strip()


def safety_notice(emergency_number: str) -> str:
    return (
        '<div id="cc-safety" class="cc-safety" role="note" aria-label="Safety notice">'
        "<strong>CiteCare shares information from its sources, not medical advice.</strong> "
        f"In an emergency call {esc(emergency_number)}.</div>"
    )


# --- chat messages <-> turns ----------------------------------------------------------------------


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


# --- the educator workbench -----------------------------------------------------------------------


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

    @property
    def store(self) -> RatingsStore:
        return RatingsStore(self.settings.ratings_db)

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


# --- layout -----------------------------------------------------------------------------------------


CSS = """
.gradio-container { max-width: 960px !important; margin: 0 auto; }
#cc-safety-box .html-container { padding: 0 !important; }
#cc-safety { background: #fff4d6; color: #3b2a00; border-left: 6px solid #8a5a00; border-radius: 6px;
  padding: 10px 14px; font-size: 1rem; line-height: 1.45; }
#cc-intro p { margin: 0; }
.cc-msg p { margin: 0 0 0.5em 0; }
.cc-msg p:last-child { margin-bottom: 0; }
.cc-ref { font-size: 0.75em; }
.cc-emergency { background: #b00020 !important; color: #ffffff !important; border: 3px solid #4a000d;
  border-radius: 8px; padding: 10px 12px; font-weight: 600; }
.cc-emergency * { color: #ffffff !important; }
.cc-emergency-title { text-transform: uppercase; letter-spacing: 0.05em; font-size: 1.1em; }
.cc-note { background: #e8f0fe; color: #0d2a5c !important; border-left: 5px solid #1a4fa0; border-radius: 6px;
  padding: 8px 12px; }
.cc-note * { color: #0d2a5c !important; }
.cc-help { font-size: 0.95em; }
.cc-sources { margin-top: 10px; padding-top: 6px; border-top: 1px solid rgba(128,128,128,0.4); }
.cc-sources-title { font-weight: 600; font-size: 0.9em; margin-bottom: 4px !important; }
.cc-source { margin: 4px 0; }
.cc-source summary { cursor: pointer; padding: 4px 0; }
.cc-source summary:focus-visible { outline: 3px solid #1a4fa0; outline-offset: 2px; }
.cc-src-title { font-weight: 600; }
.cc-src-date { opacity: 0.85; white-space: nowrap; }
.cc-passage { border-left: 3px solid rgba(128,128,128,0.6); margin: 6px 0 6px 4px; padding: 4px 10px;
  font-size: 0.95em; }
.cc-passage mark { background: #ffe066; color: #000000; padding: 0 2px; border-radius: 2px; }
.cc-outdated { background: #7a4100; color: #ffffff; border-radius: 4px; padding: 0 6px; font-size: 0.85em; }
.cc-src-url { font-size: 0.85em; word-break: break-all; }
.cc-disclaimer { font-size: 0.85em; opacity: 0.85; margin-top: 8px !important; }
.cc-streaming .cc-answer-text::after { content: "▍"; opacity: 0.6; }
@media (max-width: 480px) {
  #cc-chat .message-row { margin: 12px 2px 8px !important; max-width: calc(100% - 4px) !important; }
  #cc-safety { font-size: 0.95rem; padding: 8px 10px; }
}
"""


# Gradio scopes `css` under .contain; the page padding sits outside it, so it goes in <head> as is.
HEAD = "<style>@media (max-width: 480px) { .gradio-container .main.app { padding: 10px 8px !important; } }</style>"


def _theme() -> gr.themes.Base:
    # System fonts: the default theme fetches Google Fonts, which leaks patients' addresses and hangs offline.
    return gr.themes.Default(
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )


def _patient_tab(chat: PatientChat) -> None:
    gr.Markdown(
        "Ask a question about your health topic. CiteCare answers **only** from its sources, quotes them and "
        "shows where each sentence comes from.",
        elem_id="cc-intro",
    )
    chatbot = gr.Chatbot(
        label="Conversation with CiteCare",
        show_label=False,  # the floating label covers messages on phones; the log keeps its aria-label
        elem_id="cc-chat",
        height="min(62vh, 620px)",
        render_markdown=False,  # our HTML is built from escaped text; markdown would revive ![img](...) syntax
        sanitize_html=True,
        allow_tags=False,
        latex_delimiters=[],
        buttons=[],
        feedback_options=None,
        layout="bubble",
        examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
        placeholder="**Ask CiteCare** — or pick an example question below.",
    )
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            label="Your question",
            placeholder="Type your question",
            elem_id="cc-question",
            lines=1,
            max_lines=4,
            scale=5,  # no autofocus: on phones it scrolls past the safety notice and pops up the keyboard
        )
        ask = gr.Button("Ask", variant="primary", elem_id="cc-ask", scale=1, min_width=80)
    start_over = gr.Button("Start over", variant="secondary", elem_id="cc-start-over", size="md")

    private: dict[str, Any] = {"api_visibility": "private"}
    for trigger in (question.submit, ask.click):
        trigger(chat.add_question, [question, chatbot], [question, chatbot], queue=False, **private).then(
            chat.respond, [chatbot], [chatbot], **private
        )
    chatbot.example_select(chat.add_example, [chatbot], [question, chatbot], queue=False, **private).then(
        chat.respond, [chatbot], [chatbot], **private
    )
    start_over.click(lambda: ([], ""), None, [chatbot, question], queue=False, **private)


def _workbench_tab(bench: Workbench) -> None:
    if not workbench_enabled(bench.settings):
        gr.Markdown(f"**{WORKBENCH_OFF}**", elem_id="cc-wb-off")
        return
    private: dict[str, Any] = {"api_visibility": "private"}
    authed = gr.State(False)
    last = gr.State(None)
    with gr.Column(visible=True, elem_id="cc-wb-login-box") as login_box:
        gr.Markdown("Sign in to test answers, inspect their evidence and rate them.")
        username = gr.Textbox(label="Username", elem_id="cc-wb-user")
        password = gr.Textbox(label="Password", type="password", elem_id="cc-wb-password")
        login = gr.Button("Sign in", variant="primary", elem_id="cc-wb-login")
        login_msg = gr.Markdown(elem_id="cc-wb-login-msg")
    with gr.Column(visible=False, elem_id="cc-wb-bench") as bench_box:
        logout = gr.Button("Sign out", size="sm", elem_id="cc-wb-logout")
        question = gr.Textbox(label="Question", elem_id="cc-wb-question", lines=2)
        with gr.Accordion("Earlier conversation (optional)", open=False):
            history = gr.Code(value="[]", language="json", label='JSON list of {"role", "content"}',
                              elem_id="cc-wb-history")
        ask = gr.Button("Ask", variant="primary", elem_id="cc-wb-ask")
        gr.Markdown("### What the patient sees")
        preview = gr.HTML(elem_id="cc-wb-preview", js_on_load=None)
        with gr.Row():
            kind = gr.Textbox(label="Kind", interactive=False, elem_id="cc-wb-kind")
            writer = gr.Textbox(label="Writer", interactive=False, elem_id="cc-wb-writer")
        resolved = gr.Textbox(label="Resolved question", interactive=False, elem_id="cc-wb-resolved")
        chunks = gr.Dataframe(headers=CHUNK_HEADERS, label="Retrieved chunks", interactive=False, wrap=True,
                              column_widths=["40px", "18%", "70px", "70px", "80px", "60px", "44%"],
                              max_height=520, elem_id="cc-wb-chunks")
        used = gr.Dataframe(headers=USED_HEADERS, label="Sentences used", interactive=False, wrap=True,
                            column_widths=["40px", "65%", "30%"], elem_id="cc-wb-used")
        with gr.Row():
            verification = gr.JSON(label="Verification verdicts", elem_id="cc-wb-verification")
            timings = gr.JSON(label="Timings (ms)", elem_id="cc-wb-timings")
        gr.Markdown("### Rate this answer")
        thumbs = gr.Radio([("Good answer (thumbs up)", "up"), ("Needs work (thumbs down)", "down")], label="Rating",
                          elem_id="cc-wb-thumbs")
        labels = gr.CheckboxGroup([(label.capitalize(), label) for label in RATING_LABELS], label="Problems",
                                  elem_id="cc-wb-labels")
        comment = gr.Textbox(label="Comment", lines=2, elem_id="cc-wb-comment")
        rate = gr.Button("Save rating", elem_id="cc-wb-rate")
        rate_msg = gr.Markdown(elem_id="cc-wb-rate-msg")
        export = gr.Button("Export as eval cases", elem_id="cc-wb-export")
        export_file = gr.File(label="Eval cases (JSONL)", interactive=False, elem_id="cc-wb-export-file")

    login.click(bench.login, [username, password], [authed, login_msg, login_box, bench_box], **private)
    password.submit(bench.login, [username, password], [authed, login_msg, login_box, bench_box], **private)
    logout.click(bench.logout, None, [authed, login_msg, login_box, bench_box, last], **private)
    ask_outputs = [preview, kind, writer, resolved, chunks, used, verification, timings, last, rate_msg]
    ask.click(bench.ask, [authed, question, history], ask_outputs, **private)
    question.submit(bench.ask, [authed, question, history], ask_outputs, **private)
    rate.click(bench.rate, [authed, last, thumbs, labels, comment], [rate_msg], **private)
    export.click(bench.export, [authed], [export_file, rate_msg], **private)


@dataclass
class CiteCareApp:
    """The Gradio Blocks plus what serves it: a FastAPI app with /healthz, run by uvicorn."""

    blocks: gr.Blocks
    engine: AnswerEngine
    settings: Settings

    def asgi(self) -> FastAPI:
        api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

        @api.get("/healthz")
        def healthz() -> JSONResponse:
            try:
                health = dict(self.engine.health())
            except Exception as exc:
                log.error("health check failed: %s", type(exc).__name__)
                return JSONResponse({"ok": False, "error": type(exc).__name__}, status_code=503)
            return JSONResponse(health, status_code=200 if health.get("ok") else 503)

        return gr.mount_gradio_app(
            api, self.blocks, path="/", server_name=self.settings.host, server_port=self.settings.port,
            footer_links=["api"], run_history=False, show_error=False, ssr_mode=False, mcp_server=False,
            pwa=False, theme=_theme(), css=CSS, head=HEAD,
        )

    def launch(self, host: str | None = None, port: int | None = None) -> None:
        """Serve until interrupted (never a share link; bound to settings.host, loopback by default)."""
        host, port = host or self.settings.host, port or self.settings.port
        print(f"CiteCare is running at http://{host}:{port}  (Ctrl+C to stop)", flush=True)
        uvicorn.run(self.asgi(), host=host, port=port, log_level="warning", access_log=False)

    @contextmanager
    def running(self, host: str = "127.0.0.1", port: int | None = None) -> Iterator[str]:
        """Serve in a background thread (tests, benchmarks); yields the base URL."""
        port = port or free_port(host)
        server = uvicorn.Server(uvicorn.Config(self.asgi(), host=host, port=port, log_level="warning",
                                               access_log=False))
        thread = threading.Thread(target=server.run, name="citecare-ui", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start on {host}:{port}")
            time.sleep(0.05)
        try:
            yield f"http://{host}:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def build_app(engine: AnswerEngine, settings: Settings) -> CiteCareApp:
    """The whole web app around an engine: patient chat, educator workbench, /answer API, /healthz."""
    chat, bench = PatientChat(engine, settings), Workbench(engine, settings)
    with gr.Blocks(title="CiteCare", analytics_enabled=False, fill_width=False) as blocks:
        gr.HTML(safety_notice(settings.emergency_number), elem_id="cc-safety-box", js_on_load=None)
        with gr.Tabs():
            with gr.Tab("Ask CiteCare", id="chat", elem_id="cc-tab-chat"):
                _patient_tab(chat)
            with gr.Tab("Educator workbench", id="workbench", elem_id="cc-tab-workbench"):
                _workbench_tab(bench)
        gr.api(chat.answer_api, api_name="answer")
    blocks.queue(default_concurrency_limit=settings.max_concurrency)
    return CiteCareApp(blocks=blocks, engine=engine, settings=settings)
