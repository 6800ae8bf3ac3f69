"""Patient feedback (thumbs up/down, an optional reason) from the chat, stored with the educator ratings.

Without the patient's consent nothing they wrote is stored: only the thumbs, the reason, the answer's kind and
the titles of its sources. With consent the question and the answer's text are kept too (the store enforces it).
"""

from __future__ import annotations

import html
import re
from typing import Literal

from citecare.app.ratings import FEEDBACK_REASONS, Feedback
from citecare.app.web.render import plain_text
from citecare.types import ANSWER_KINDS

_KIND = re.compile(r'class="cc-msg cc-final cc-kind-([a-z_]+)"')
_TITLE = re.compile(r'<span class="cc-src-title">(.*?)</span>', re.S)


def feedback_from_messages(messages: list[dict[str, str]], index: int, thumbs: Literal["up", "down"],
                           reason: str = "", consent: bool = False) -> Feedback | None:
    """The feedback on the assistant message at `index` of the chat; None when that is not an answer the
    engine gave (an error message, say)."""
    if not 0 <= index < len(messages) or messages[index].get("role") != "assistant":
        return None
    content = messages[index]["content"]
    kind_match = _KIND.search(content)
    if kind_match is None or kind_match.group(1) not in ANSWER_KINDS:
        return None
    titles = tuple(dict.fromkeys(html.unescape(t)[:300] for t in _TITLE.findall(content)))
    if reason and reason not in FEEDBACK_REASONS:
        reason = "other"
    if not consent:
        return Feedback(thumbs=thumbs, answer_kind=kind_match.group(1), reason=reason, cited_sources=titles)
    earlier = [m for m in messages[:index] if m.get("role") == "user"]
    question = plain_text(earlier[-1]["content"]) if earlier else ""
    return Feedback(thumbs=thumbs, answer_kind=kind_match.group(1), reason=reason, cited_sources=titles,
                    consent=True, question=question, answer_text=plain_text(content))
