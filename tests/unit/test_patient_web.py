"""The patient page's pieces on fakes: long pastes, feedback (consent), interface languages, and the engine's
checked follow-ups and library overview on an in-memory library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from citecare.answer.conversation import TopicFinder
from citecare.answer.follow_ups import TitledDoc, candidates, describe, main_topics
from citecare.app.ratings import FEEDBACK_REASONS
from citecare.app.ratings_store import RatingsStore
from citecare.app.web import render
from citecare.app.web.chat import PatientChat, normalise_messages
from citecare.app.web.feedback import feedback_from_messages
from citecare.app.web.strings import REASONS, UI_TEXT, language_of, reason_label
from citecare.engine import ChatEngine
from citecare.types import Answer, SourceMeta
from tests.conftest import make_settings
from tests.fakes import FakeEmbedder, FakeEngine, InMemoryLibrary

INJECTION = '<img src=x onerror="window.__pwned=1">'


def test_long_paste_is_shown_cut_short_but_sent_whole(tmp_path: Path) -> None:
    paste = INJECTION + "x" * 50_000
    shown = render.render_user(paste)
    assert len(shown) < 1000 and "49,438 more" in shown and "more characters not shown" in shown and "<img" not in shown
    chat = PatientChat(FakeEngine(), make_settings(tmp_path))
    _, msgs, typed = chat.add_question(paste, [])
    assert typed == paste[: chat.settings.max_question_chars * 2]  # long enough to be refused as too long
    assert render.plain_text(msgs[0]["content"]) == paste[: render.USER_DISPLAY_CHARS]
    # sent back by the browser (and maybe tampered with), it is escaped again and keeps its note
    assert normalise_messages(msgs) == msgs
    crafted = [{"role": "user", "content": f'hi<span class="cc-more">{INJECTION}</span>'}]
    assert "<img" not in normalise_messages(crafted)[0]["content"]


def _chat_with_answer(tmp_path: Path) -> tuple[PatientChat, list[dict[str, Any]]]:
    chat = PatientChat(FakeEngine(), make_settings(tmp_path))
    _, msgs, typed = chat.add_question("Why blood tests for me?", [])
    return chat, list(chat.respond(msgs, typed))[-1]


def test_feedback_keeps_chat_text_only_with_consent(tmp_path: Path) -> None:
    _, msgs = _chat_with_answer(tmp_path)
    msgs = normalise_messages(msgs)
    private = feedback_from_messages(msgs, 1, "up")
    assert private is not None and not private.consent and private.question == "" and private.answer_text == ""
    assert private.cited_sources == ("Immunosuppressants",) and private.answer_kind == "answer"
    shared = feedback_from_messages(msgs, 1, "down", "not what I asked", consent=True)
    assert shared is not None and shared.consent and shared.question == "Why blood tests for me?"
    assert shared.answer_text.startswith("Regular blood tests") and shared.reason == "not what I asked"
    assert feedback_from_messages(msgs, 0, "up") is None  # not an answer
    assert feedback_from_messages(msgs, 7, "up") is None
    error = [{"role": "user", "content": "q"}, {"role": "assistant", "content": render.render_error("Sorry")}]
    assert feedback_from_messages(error, 1, "down") is None  # an error message is not an answer to judge


def _like(index: int, liked: bool | str) -> gr.LikeData:
    return gr.LikeData(target=None, data={"index": index, "value": "", "liked": liked})


def test_feedback_handler_stores_thumbs_and_reasons_once(tmp_path: Path) -> None:
    chat, msgs = _chat_with_answer(tmp_path)
    status, last = chat.feedback(msgs, False, None, _like(1, True))
    assert "Thank you" in status
    status, last = chat.feedback(msgs, True, last, _like(1, "Hard to understand"))
    again, _ = chat.feedback(msgs, True, last, _like(1, "Hard to understand"))  # Gradio's repeat: not stored
    assert "Thank you" in again
    assert chat.feedback(msgs, False, last, _like(1, "something else"))[0] == ""
    rows = RatingsStore.from_settings(chat.settings).feedback()
    assert [(r.thumbs, r.reason, r.consent, r.question) for r in rows] == [
        ("up", "", False, ""), ("down", "hard to understand", True, "Why blood tests for me?")]
    assert rows[0].answer_text == "" and rows[1].answer_text.startswith("Regular blood tests")


def test_interface_languages() -> None:
    assert language_of("es-MX,es;q=0.9,en;q=0.8") == "es"
    assert language_of("fr-FR,de;q=0.5") == "en" and language_of(None) == "en"
    assert set(UI_TEXT["es"]) == set(UI_TEXT["en"])  # every text has its translation
    assert reason_label("Difícil de entender") == reason_label("Hard to understand") == "hard to understand"
    assert set(REASONS.values()) <= set(FEEDBACK_REASONS)  # every reason shown is one the store accepts
    assert reason_label("Like") is None
    assert "Fuentes" in render.render_answer(FakeEngine().ask("q"), language="es")


def test_candidates_take_turns_between_topics_and_skip_what_was_asked() -> None:
    finder = TopicFinder(["lupus", "methotrexate"])
    docs = [describe(SourceMeta("a", "Lupus - What is Lupus? (MedlinePlus (NLM/NIH))"), finder),
            describe(SourceMeta("b", "Lupus - How is lupus treated? (NIAMS)"), finder),
            describe(SourceMeta("c", "Methotrexate and your liver"), finder)]
    assert docs[0] == TitledDoc("a", ("lupus",), "What is Lupus?") and docs[2].topics == ("methotrexate",)
    assert main_topics(docs, 5) == ["lupus", "methotrexate"]
    found = candidates(["lupus", "methotrexate"], docs, skip_docs={"a"}, asked=["how is LUPUS treated"])
    assert found[0] == "What are the risks of methotrexate?" or found[0].startswith("What is lupus")
    assert "What is Lupus?" not in found  # page already cited
    assert not any(q.lower().startswith("how is lupus treated") for q in found)  # already asked
    assert "What are the risks of methotrexate?" in found and "What are the side effects of lupus?" not in found


DOCS = {
    "mtx": "Methotrexate and blood tests\n\nPeople who take methotrexate need regular blood tests to check the "
           "liver and blood counts.",
    "mtx-effects": "Methotrexate side effects\n\nCommon side effects of methotrexate include nausea, mouth sores "
                   "and tiredness.",
    "lupus": "Lupus - What is Lupus?\n\nLupus is an autoimmune disease in which the immune system attacks "
             "healthy tissue.",
}


def test_engine_suggests_only_follow_ups_it_answers_with_citations(tmp_path: Path) -> None:
    engine = ChatEngine(make_settings(tmp_path), FakeEmbedder(), InMemoryLibrary(FakeEmbedder(), DOCS))
    answer = engine.ask("Why do I need blood tests on methotrexate?")
    assert answer.kind == "answer"
    suggested = engine.suggest_follow_ups(answer)
    assert suggested, "expected at least one checked follow-up"
    for question in suggested:
        checked = engine.ask(question)
        assert checked.kind == "answer" and checked.citations
        assert {c.quote for c in checked.citations} - {c.quote for c in answer.citations}  # adds something
    assert engine.suggest_follow_ups(Answer(kind="emergency", text="Call 911.")) == []

    overview = engine.overview()
    assert overview.documents == 3 and "methotrexate" in overview.topics and "lupus" in overview.topics
    assert overview.publishers == ("Test publisher",)
    assert overview.examples and all(engine.ask(q).kind == "answer" for q in overview.examples)
    assert engine.overview() is overview  # cached until the library changes
