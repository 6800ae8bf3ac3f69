"""Patient feedback (thumbs up/down, an optional reason) stored with the educator ratings.

Without the patient's consent nothing they wrote is stored: only the thumbs, the reason, the answer's kind and
the titles of its sources. With consent the question and the answer's text are kept too.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Literal

from citecare.app.ratings import RATING_LABELS, Rating, RatingsStore
from citecare.app.web.render import plain_text
from citecare.types import ANSWER_KINDS, Answer, Citation, Turn

_KIND = re.compile(r'class="cc-msg cc-final cc-kind-([a-z_]+)"')
_TITLE = re.compile(r'<span class="cc-src-title">(.*?)</span>', re.S)
_MAX_CHARS = 4000  # what a browser can make us store per field


@dataclass(frozen=True)
class PatientFeedback:
    """One patient's thumbs on one answer."""

    thumbs: Literal["up", "down"]
    reason: str = ""  # one of RATING_LABELS, or ""
    answer_kind: str = "answer"
    source_titles: tuple[str, ...] = ()
    question: str = ""  # only with consent
    answer_text: str = ""  # only with consent
    history: tuple[Turn, ...] = ()  # only with consent


def feedback_from_messages(messages: list[dict[str, str]], index: int, thumbs: Literal["up", "down"],
                           reason: str = "", consent: bool = False) -> PatientFeedback | None:
    """The feedback on the assistant message at `index` of the chat, None when there is no such message."""
    if not 0 <= index < len(messages) or messages[index].get("role") != "assistant":
        return None
    content = messages[index]["content"]
    kind_match = _KIND.search(content)
    kind = kind_match.group(1) if kind_match else "answer"
    titles = tuple(dict.fromkeys(html.unescape(t)[:300] for t in _TITLE.findall(content)))
    if reason and reason not in RATING_LABELS:
        reason = "other"
    if not consent:
        return PatientFeedback(thumbs=thumbs, reason=reason, answer_kind=kind, source_titles=titles)
    earlier = [Turn(role="user" if m["role"] == "user" else "assistant", content=plain_text(m["content"])[:_MAX_CHARS])
               for m in messages[:index]]
    question = next((t.content for t in reversed(earlier) if t.role == "user"), "")
    history = tuple(earlier[:-1]) if earlier and earlier[-1].role == "user" else tuple(earlier)
    return PatientFeedback(thumbs=thumbs, reason=reason, answer_kind=kind, source_titles=titles,
                           question=question, answer_text=plain_text(content)[:_MAX_CHARS], history=history)


def save_feedback(store: RatingsStore, feedback: PatientFeedback) -> int:
    """Store the feedback with the educator ratings; returns its id.

    Uses the store's ``add_feedback`` (patient feedback API of the shared ratings store) when it has one;
    until then it is kept as a rating labelled with the reason and commented "patient feedback"."""
    add_feedback: Any = getattr(store, "add_feedback", None)
    if add_feedback is not None:
        return int(add_feedback(thumbs=feedback.thumbs, reason=feedback.reason, answer_kind=feedback.answer_kind,
                                source_titles=feedback.source_titles, question=feedback.question,
                                answer_text=feedback.answer_text, history=feedback.history))
    kind = feedback.answer_kind if feedback.answer_kind in ANSWER_KINDS else "answer"
    citations = tuple(Citation(n=i, doc_id="", chunk_id="", title=title, source="", url="", reviewed="",
                               passage="", quote="") for i, title in enumerate(feedback.source_titles, start=1))
    rating = Rating(
        question=feedback.question,
        history=feedback.history,
        answer=Answer(kind=kind, text=feedback.answer_text, citations=citations),  # type: ignore[arg-type]
        thumbs=feedback.thumbs,
        labels=(feedback.reason,) if feedback.reason else (),
        comment="patient feedback" + ("" if feedback.question else " (no chat text: the patient did not agree)"),
    )
    return store.add(rating)
