"""Resolve a follow-up ("and its side effects?") into a standalone question, without an LLM."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from citecare.answer.query import GENERIC_QUESTION_WORDS, KNOWN_TOPICS, STOPWORDS, words
from citecare.answer.subject import SubjectIndex
from citecare.types import Chunk, Turn

_PRONOUN = re.compile(r"\b(this drug|this medicine|that drug|that medicine|these drugs|these medicines|"
                      r"it|its|it's|they|them|their|theirs|this|that|these|those)\b", re.IGNORECASE)
# What a follow-up asks about a topic already on the table ("and the side effects?", "what's the upside?").
_ASPECTS = frozenset("""side effects effect risks risk dangers danger upside downside benefits benefit dose doses
    dosage monitored monitoring monitor tests test long term work works working safe safety interactions
    alternatives alternative options option treatment treatments symptoms signs causes cause outlook prognosis
    cost price stop stopping start starting children pregnancy pregnant breastfeeding elderly then else""".split())
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
        """Topics named in the text, in the order they appear."""
        low = " " + " ".join(words(text)) + " "
        found: list[str] = []
        for topic in self.topics:
            if f" {topic} " in low and not any(topic in f for f in found):
                found.append(topic)
        return sorted(found, key=lambda t: low.index(f" {t} "))


def is_follow_up(question: str, topic_in_question: bool) -> bool:
    """Elliptical ('and the risks?') or pronoun-led ('how is it monitored?') questions with no topic of their own."""
    if topic_in_question:
        return False
    content = [w for w in words(question) if w not in _FILLER]
    only_aspects = all(w in _ASPECTS for w in content)
    if _PRONOUN.search(question):
        return True
    return only_aspects


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
    if pronoun.lower() in {"its", "their", "theirs"}:
        return f"{topic}'" if topic.endswith("s") else f"{topic}'s"
    return topic


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
    """'Can immunosuppressants help RA?' + 'what about lupus?' → 'Can immunosuppressants help lupus?'."""
    old = finder.find(previous)
    if not old:
        return ""
    # The condition usually comes last ("Can <drug> help <condition>?"), and "what about X" swaps like for like.
    return re.sub(re.escape(old[-1]), new_topic, previous, count=1, flags=re.IGNORECASE)


_TITLE_TOPIC = re.compile(r"^([^-–(:?]{3,60}?)\s+[-–]\s+")


def topics_from(chunks: Iterable[Chunk], subjects: SubjectIndex | None = None) -> list[str]:
    """Topic names for follow-ups: curated ones, the subject of titles such as 'Lupus - What is Lupus?', and
    every medicine name, brand and class of the vocabulary."""
    found = set(KNOWN_TOPICS)
    if subjects is not None:
        found |= subjects.names_for_follow_ups()
    for chunk in chunks:
        m = _TITLE_TOPIC.match(chunk.meta.title)
        if m:
            found.add(m.group(1).strip().lower())
    return sorted(found)
