"""The Gradio pages: the patient chat and the educator workbench, their theme and CSS."""

from __future__ import annotations

from typing import Any

import gradio as gr

from citecare.app.ratings import RATING_LABELS
from citecare.app.web.chat import PatientChat
from citecare.app.web.render import EXAMPLE_QUESTIONS
from citecare.app.web.workbench import (
    CHUNK_HEADERS,
    USED_HEADERS,
    WORKBENCH_OFF,
    Workbench,
    workbench_enabled,
)

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


def theme() -> gr.themes.Base:
    # System fonts: the default theme fetches Google Fonts, which leaks patients' addresses and hangs offline.
    return gr.themes.Default(
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )


def patient_tab(chat: PatientChat) -> None:
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


def workbench_tab(bench: Workbench) -> None:
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


