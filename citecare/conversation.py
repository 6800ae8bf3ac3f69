"""Resolve a follow-up ("and its side effects?") into a standalone question, without an LLM."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from citecare.lexicon import GENERIC_QUESTION_WORDS, STOPWORDS, words
from citecare.types import Turn

_PRONOUN = re.compile(r"\b(it|its|it's|they|them|their|theirs|this|that|these|those|this drug|this medicine|"
                      r"that drug|that medicine|the drug|the medicine|the medication|these drugs|these medicines)\b",
                      re.IGNORECASE)
_ELLIPSIS_START = re.compile(r"^\s*(and|also|what about|how about|but|so|then|what if|and what about|and how)\b",
                             re.IGNORECASE)
_FILLER = frozenset(STOPWORDS | GENERIC_QUESTION_WORDS | {"side", "effects", "effect", "risks", "risk",
                                                        "monitored", "monitor", "long", "term", "dose", "doses"})


class TopicFinder:
    """Finds the topic (drug, condition) a question is about, from names the corpus knows."""

    def __init__(self, topics: Iterable[str]) -> None:
        # Longest first, so "tnf inhibitors" wins over "tnf".
        self.topics = sorted({t.lower() for t in topics if len(t) >= 3}, key=len, reverse=True)

    def find(self, text: str) -> list[str]:
        low = " " + " ".join(words(text)) + " "
        found: list[str] = []
        for topic in self.topics:
            if f" {topic} " in low and not any(topic in f for f in found):
                found.append(topic)
        return found


def is_follow_up(question: str, topic_in_question: bool) -> bool:
    content = [w for w in words(question) if w not in _FILLER]
    if _ELLIPSIS_START.match(question) and not topic_in_question:
        return True
    if _PRONOUN.search(question) and not topic_in_question:
        return True
    return len(content) == 0 and not topic_in_question


def resolve_follow_up(question: str, history: Sequence[Turn], finder: TopicFinder, max_turns: int = 6) -> str:
    """The question as it would be asked on its own; unchanged when it already stands alone."""
    earlier = [t.content for t in history[-max_turns:] if t.role == "user"]
    if not earlier:
        return question
    own_topics = finder.find(question)
    if not is_follow_up(question, bool(own_topics)):
        # "what about lupus?" keeps the earlier question's intent with the new topic.
        if own_topics and _ELLIPSIS_START.match(question):
            previous = _standalone(earlier, finder)
            return _swap_topic(previous, finder, own_topics[0]) or question
        return question
    topic = _last_topic(earlier, finder)
    if not topic:
        return question
    body = _ELLIPSIS_START.sub("", question).strip(" ,?") or question.strip()
    if _PRONOUN.search(body):
        resolved = _PRONOUN.sub(lambda m: _pronoun_replacement(m.group(0), topic), body, count=1)
    else:
        resolved = f"{body} of {topic}"
    return resolved.rstrip("?") + "?"


def _pronoun_replacement(pronoun: str, topic: str) -> str:
    return f"{topic}'s" if pronoun.lower() in {"its", "their", "theirs"} else topic


def _last_topic(earlier: list[str], finder: TopicFinder) -> str:
    for text in reversed(earlier):
        found = finder.find(text)
        if found:
            return found[0]
    return ""


def _standalone(earlier: list[str], finder: TopicFinder) -> str:
    for text in reversed(earlier):
        if finder.find(text):
            return text
    return earlier[-1]


def _swap_topic(previous: str, finder: TopicFinder, new_topic: str) -> str:
    old = finder.find(previous)
    if not old:
        return ""
    return re.sub(re.escape(old[0]), new_topic, previous, count=1, flags=re.IGNORECASE)
