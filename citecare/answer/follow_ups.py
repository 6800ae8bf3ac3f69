"""Questions to offer a patient — suggested follow-ups and first-screen examples — drawn from the library itself.

Only candidates come from here; the engine asks each one itself and keeps those it answers with citations, so a
patient is never offered a question CiteCare cannot answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from citecare.answer.conversation import TopicFinder
from citecare.text import publisher_from_title, words
from citecare.types import SourceMeta
from citecare.vocab import load_medicines

# 'Lupus - What is Lupus? (MedlinePlus …)': topic, then the question the page answers.
_TITLE_PARTS = re.compile(r"^(?P<topic>[^-–(:?]{3,60}?)\s+[-–]\s+(?P<question>[^()]{8,140}\?)")
# Aspects a patient commonly asks about next; each is checked against the library before it is shown.
_MEDICINE_ASPECTS: tuple[str, ...] = (
    "What are the risks of {topic}?",
    "Why do I need blood tests on {topic}?",
    "How do {topic} help?",
    "What are the side effects of {topic}?",
)
_CONDITION_ASPECTS: tuple[str, ...] = (
    "What is {topic}?",
    "How is {topic} treated?",
    "What are the symptoms of {topic}?",
)


@dataclass(frozen=True)
class TitledDoc:
    """What the suggestion logic needs to know about one document."""

    doc_id: str
    topics: tuple[str, ...]  # lower-case; empty when the title names no topic
    question: str  # the question the page answers, '' when its title is not one


def describe(meta: SourceMeta, finder: TopicFinder) -> TitledDoc:
    """The topic and (if any) the question a document's title names."""
    m = _TITLE_PARTS.match(meta.title)
    if m:
        return TitledDoc(meta.doc_id, (m.group("topic").strip().lower(),), m.group("question").strip())
    return TitledDoc(meta.doc_id, tuple(finder.find(meta.title)), "")


def same_question(a: str, b: str) -> bool:
    """Equal once case, punctuation and spacing are ignored."""
    return words(a) == words(b)


def aspects(topic: str) -> tuple[str, ...]:
    """Question templates that make sense for the topic: a medicine's risks, a condition's treatment."""
    return _MEDICINE_ASPECTS if load_medicines().mentions(topic) else _CONDITION_ASPECTS


def candidates(topics: Sequence[str], docs: Iterable[TitledDoc], *, skip_docs: Iterable[str] = (),
               asked: Iterable[str] = ()) -> list[str]:
    """Questions about the given topics, taking turns between topics: titles of other pages on them first,
    then common aspects."""
    wanted = [t.lower() for t in topics if t]
    skip, seen = set(skip_docs), list(asked)
    docs = list(docs)
    per_topic = []
    for topic in wanted:
        titled = [d.question for d in docs if d.question and d.doc_id not in skip and topic in d.topics]
        per_topic.append([*titled, *(template.format(topic=topic) for template in aspects(topic))])
    out: list[str] = []
    for row in range(max((len(q) for q in per_topic), default=0)):
        for questions in per_topic:
            if row < len(questions) and not any(same_question(questions[row], q) for q in (*seen, *out)):
                out.append(questions[row])
    return out


def main_topics(docs: Iterable[TitledDoc], limit: int) -> list[str]:
    """The topics most documents are about, most first (ties in the order titles name them)."""
    return [t for t, _ in Counter(t for d in docs for t in d.topics).most_common(limit)]


def publishers(metas: Iterable[SourceMeta], limit: int) -> list[str]:
    """Publishers of the library, most documents first."""
    counts = Counter((m.publisher or publisher_from_title(m.title)).strip() for m in metas)
    counts.pop("", None)
    return [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
