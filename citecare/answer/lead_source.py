"""Which retrieved document the answer's first sentence (and so its first citation) comes from.

Retrieval ranks passages by how well they match the whole question; the lead must *answer* it. The best-ranked
document on the subject often opens with a general sentence ("Psoriasis occurs when the skin cells grow too
quickly.") while a document a little lower says what was asked ("Some things may cause a flare…"). So every
retrieved document on the subject is scored by its best possible lead sentence (closeness in meaning, the asked
aspect, the kind of answer asked for), with a small bonus when its title says it is about the subject; the
best-ranked document keeps the lead unless another is clearly better. It always keeps it when its section title
asks the question asked ("How many people are affected by lupus?") or promises the kind of answer asked for
(``section_title.promises``): a section written to answer that question beats a sentence that happens to match.
The rule reads only scores the composer already has and the titles: nothing about any one question or document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from citecare.answer.section_title import asks_the_question, promises
from citecare.answer.subject import Focus, SubjectIndex, _stem_seq, mentions, title_topics

ABOUT_BONUS = 0.1  # a document whose title names the subject ("prednisone - ADVERSE REACTIONS") is preferred…
LEAD_MARGIN = 0.05  # …and another document takes the lead only when its best lead sentence is clearly better


def holds_lead(title: str, question_type: str, question: str) -> bool:
    """Does the best-ranked document keep the lead whatever the others say: its section title asks the question
    or promises its kind of answer?"""
    return asks_the_question(title, question) or promises(title, question_type)


def best_lead_document(
    incumbent: str,
    docs: Sequence[str],
    lead_scores: Sequence[float],
    about: Callable[[str], bool],
    *,
    about_bonus: float = ABOUT_BONUS,
    margin: float = LEAD_MARGIN,
) -> str:
    """The document the lead comes from: ``incumbent`` (the best-ranked one on the subject) unless another of
    ``docs`` (the document of each lead-eligible sentence, with its ``lead_scores``) scores more than ``margin``
    higher. A document scores by its best sentence, plus ``about_bonus`` when ``about`` says its title is about
    the subject."""
    best: dict[str, float] = {}
    for doc, score in zip(docs, lead_scores, strict=True):
        best[doc] = max(best.get(doc, float("-inf")), float(score))
    if not best:
        return incumbent

    def total(doc: str) -> float:
        return best[doc] + (about_bonus if about(doc) else 0.0)

    challenger = max(best, key=total)  # ties: the first seen, i.e. the better-ranked sentence's document
    if incumbent not in best or total(challenger) > total(incumbent) + margin:
        return challenger
    return incumbent


def speaking_of_question(ranked: set[int], speaking: set[int]) -> set[int]:
    """With no subject to lock on, the passages (``ranked``, indexes into the hits) the lead may come from: those
    with a sentence that speaks of some word of the question (``speaking``), when any does. A section titled "How
    long does protection from hepatitis B vaccine last?" promises a duration, but not one about artificial joints."""
    return (ranked & speaking) or ranked


def about_subject(index: SubjectIndex | None, focus: Focus | None) -> Callable[[str], bool]:
    """Is a document, by its title, about a subject the question is locked on?"""
    subjects = (focus.subjects or focus.lock) if focus else ()
    if index is None or not subjects:
        return lambda doc_id: False
    return lambda doc_id: index.about_any(doc_id, subjects)


def narrower_topic(index: SubjectIndex | None, focus: Focus | None) -> Callable[[str], bool]:
    """Is a document, by its title, about a narrower topic whose name holds an asked subject ("Lupus Nephritis",
    "Neurological Sequelae of Lupus" for lupus) rather than about the subject itself?"""
    subjects = (focus.subjects or focus.lock) if focus else ()
    if index is None or not subjects:
        return lambda doc_id: False
    names = [_stem_seq(s.key) for s in subjects]

    def narrower(doc_id: str) -> bool:
        if index.about_any(doc_id, subjects):
            return False
        return any(len(_stem_seq(topic)) > len(name) and mentions(topic, name)
                   for topic in title_topics(index.titles.get(doc_id, "")) for name in names)

    return narrower
