"""The Gradio pages: the patient chat (at /) and the educator workbench (at /educator), their theme and assets.

The page script and style sheet live in citecare/data/ui/ (reviewed assets, no Python): the script scrolls new
replies into view, pins an emergency and moves focus to it, opens a source card when its [n] marker is tapped,
copies answers, prints the whole conversation, and shows "starting…" or "cannot reach the server" from /healthz.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import gradio as gr

from citecare.app.ratings import RATING_LABELS
from citecare.app.web.chat import PatientChat, normalise_messages
from citecare.app.web.render import esc, intro, safety_notice, status_box
from citecare.app.web.strings import UI_TEXT, language_of, texts
from citecare.app.web.workbench import (
    CHUNK_HEADERS,
    USED_HEADERS,
    WORKBENCH_OFF,
    Workbench,
    workbench_enabled,
)
from citecare.config import Settings

PRIVATE: dict[str, Any] = {"api_visibility": "private"}
CONVERSATION_KEY = "citecare-conversation"


def asset(name: str) -> str:
    """A file of citecare/data/ui as text."""
    return files("citecare").joinpath("data", "ui", name).read_text(encoding="utf-8")


def css() -> str:
    return asset("citecare.css")


def patient_head(settings: Settings) -> str:
    """The page script and what it needs to know (numbers, interface text), as <script> tags."""
    config = {"emergency": settings.emergency_number, "text": {lang: {k: t[k] for k in (
        "copy", "copied", "answer_heading", "your_question", "sources")} for lang, t in UI_TEXT.items()}}
    data = json.dumps(config).replace("</", "<\\/")
    # Gradio's own "connection lost" toast would cover the safety notice on a phone; ours keeps the emergency
    # number in view instead (the toast sits outside the container the css parameter is scoped to).
    style = "<style>body.cc-offline-on .toast-wrap { display: none !important; }</style>"
    return f"{style}<script>window.CITECARE = {data};</script><script>{asset('patient.js')}</script>"


def theme() -> gr.themes.Base:
    """Gradio's default theme with AA contrast in light and dark schemes and system fonts (the default theme
    fetches Google Fonts, which leaks patients' addresses and hangs offline)."""
    return gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        secondary_hue=gr.themes.colors.slate,
        neutral_hue=gr.themes.colors.slate,
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    ).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_600",
        button_primary_text_color="white",
        button_primary_text_color_dark="white",
        button_primary_border_color="*primary_700",
        button_primary_border_color_dark="*primary_700",
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_300",
        block_label_text_color="*neutral_700",
        block_label_text_color_dark="*neutral_200",
        block_title_text_color="*neutral_700",
        block_title_text_color_dark="*neutral_200",
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_400",
        link_text_color="*primary_700",
        link_text_color_dark="*primary_300",
        link_text_color_visited="*primary_800",
        link_text_color_visited_dark="*primary_200",
    )


def keep(messages: Any) -> Any:
    """The conversation as it goes to the browser's storage."""
    return messages


def patient_page(chat: PatientChat, settings: Settings) -> gr.Blocks:
    """The patient page: safety notice, first screen, conversation, question box, tools. The first screen and
    the example questions come from the library when the page loads (the engine may still be starting)."""
    overview = chat.overview()
    i18n = gr.I18n(**UI_TEXT)
    en = texts("en")
    numbers = (settings.emergency_number, settings.crisis_line, settings.poison_control)
    with gr.Blocks(title="CiteCare", analytics_enabled=False, fill_width=False) as page:
        notice = gr.HTML(safety_notice(*numbers), elem_id="cc-safety-box", js_on_load=None)
        gr.HTML(status_box(settings.emergency_number), elem_id="cc-status-box", js_on_load=None)
        first_screen = gr.HTML(intro(overview), elem_id="cc-intro", js_on_load=None)
        conversation_h = gr.HTML(f'<h2 class="cc-sr">{esc(en["conversation_heading"])}</h2>', js_on_load=None,
                                 elem_classes=["cc-sr-box"])
        chatbot = gr.Chatbot(
            label=i18n("conversation_heading"),
            show_label=False,  # the floating label covers messages on phones; the log keeps its aria-label
            elem_id="cc-chat",
            height="min(62vh, 620px)",
            autoscroll=False,  # the page script scrolls each new reply's start into view instead of the bottom
            render_markdown=False,  # our HTML is built from escaped text; markdown would revive ![img](...) syntax
            sanitize_html=True,
            allow_tags=False,
            latex_delimiters=[],
            buttons=[],
            feedback_options=["Like", "Dislike", en["reason_hard"], en["reason_missing"], en["reason_wrong"]],
            layout="bubble",
            examples=[{"text": q} for q in (overview.examples if overview else ())],
            placeholder=en["chat_placeholder"],
        )
        ask_h = gr.HTML(f'<h2 class="cc-sr">{esc(en["ask_heading"])}</h2>', js_on_load=None,
                        elem_classes=["cc-sr-box"])
        with gr.Row(equal_height=True, elem_id="cc-ask-row"):
            question = gr.Textbox(
                label=i18n("question_label"),
                placeholder=i18n("question_placeholder"),
                elem_id="cc-question",
                lines=1,
                max_lines=4,
                scale=5,  # no autofocus: on phones it scrolls past the safety notice and pops up the keyboard
            )
            ask = gr.Button(i18n("ask"), variant="primary", elem_id="cc-ask", scale=1, min_width=80)
        with gr.Row(elem_id="cc-tools"):
            start_over = gr.Button(i18n("start_over"), variant="secondary", elem_id="cc-start-over", size="md")
            print_view = gr.Button(i18n("print"), variant="secondary", elem_id="cc-print", size="md")
        consent = gr.Checkbox(False, label=i18n("share_consent"), elem_id="cc-consent")
        feedback_msg = gr.HTML("", elem_id="cc-feedback", js_on_load=None)
        # Gradio hands the key of this "encrypted" storage to the page, so it hides nothing from whoever holds the
        # device; a fixed key lets the conversation survive a server restart or a move to another replica.
        saved = gr.BrowserState([], storage_key=CONVERSATION_KEY, secret=CONVERSATION_KEY)
        pending = gr.State("")

        # Kept in the browser only: after each answer the conversation is copied to the browser's storage.
        answering: list[Any] = []
        for trigger in (question.submit, ask.click):
            answering.append(trigger(chat.add_question, [question, chatbot], [question, chatbot, pending],
                                     queue=False, **PRIVATE).then(chat.respond, [chatbot, pending], [chatbot],
                                                                  **PRIVATE))
        for select in (chatbot.example_select, chatbot.option_select):
            answering.append(select(chat.add_selected, [chatbot], [question, chatbot, pending], queue=False,
                                    **PRIVATE).then(chat.respond, [chatbot, pending], [chatbot], **PRIVATE))
        for answer in answering:
            answer.then(keep, [chatbot], [saved], queue=False, **PRIVATE)
        chatbot.clear(lambda: [], None, [saved], queue=False, **PRIVATE)
        last_feedback = gr.State(None)
        chatbot.like(chat.feedback, [chatbot, consent, last_feedback], [feedback_msg, last_feedback],
                     trigger_mode="once", concurrency_limit=1, **PRIVATE)
        # An answer still being written (its follow-ups come a moment after it) would put the old conversation back.
        start_over.click(lambda: ([], "", [], ""), None, [chatbot, question, saved, feedback_msg], queue=False,
                         js="() => { window.citecareStartOver && window.citecareStartOver(); return []; }",
                         cancels=answering, **PRIVATE)
        print_view.click(None, None, None, js="() => { window.print(); }", **PRIVATE)

        def on_load(stored: Any, request: gr.Request) -> tuple[Any, ...]:
            lang = language_of(request.headers.get("accept-language") if request else None)
            t = texts(lang)
            messages = normalise_messages(stored if isinstance(stored, list) else [])
            now = chat.overview()
            examples = [{"text": q} for q in (now.examples if now else ())]
            return (gr.update(value=messages, examples=examples), safety_notice(*numbers, language=lang),
                    intro(now, lang),
                    f'<h2 class="cc-sr">{esc(t["conversation_heading"])}</h2>',
                    f'<h2 class="cc-sr">{esc(t["ask_heading"])}</h2>')

        page.load(on_load, [saved], [chatbot, notice, first_screen, conversation_h, ask_h], queue=False, **PRIVATE)
    return page


def workbench_page(bench: Workbench) -> gr.Blocks:
    """The educator workbench, on its own path; patients never see it."""
    with gr.Blocks(title="CiteCare — educator workbench", analytics_enabled=False, fill_width=False) as page:
        gr.HTML('<h1 class="cc-h1">CiteCare — educator workbench</h1>', js_on_load=None)
        workbench_body(bench)
    return page


def workbench_body(bench: Workbench) -> None:
    if not workbench_enabled(bench.settings):
        gr.Markdown(f"**{WORKBENCH_OFF}**", elem_id="cc-wb-off")
        return
    private = PRIVATE
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
