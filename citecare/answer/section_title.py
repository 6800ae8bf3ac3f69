"""What kind of answer a source's title promises: "Lupus Nephritis - What are the treatments for Lupus
Nephritis? (NIDDK (NIH))" is a treatment section, "prednisone - ADVERSE REACTIONS" a side-effects one.

Many health sources are split into sections whose titles are the questions they answer (MedQuAD, MedlinePlus,
drug labels). Read with the same cues as a patient's question (`question_type.classify`), such a title says
which of several retrieved sections of one page answers the kind of question asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from citecare.answer.query import content_terms
from citecare.answer.question_type import classify
from citecare.types import Hit

_PUBLISHER = re.compile(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$")  # "(Genetics Home Reference (NLM/NIH))"
# Types a title cannot single out: every section of a page is about its topic and settles some yes/no question.
_UNSPECIFIC = frozenset({"other", "yes_no"})


def section_question(title: str) -> str:
    """The part of a title after "<topic> - ", without a trailing publisher in brackets."""
    _, sep, section = title.partition(" - ")
    return _PUBLISHER.sub("", section if sep else title).strip()


@lru_cache(maxsize=65536)
def title_type(title: str) -> str:
    """The kind of answer the title's section gives ('other' when it does not say)."""
    return classify(section_question(title)) if title else "other"


def promises(title: str, question_type: str) -> bool:
    """Does this title's section promise the kind of answer asked for?"""
    return question_type not in _UNSPECIFIC and title_type(title) == question_type


@lru_cache(maxsize=65536)
def _asked_terms(title: str) -> frozenset[str]:
    """Words of the title's section question besides its topic: 'affect', 'peopl' of "Gout - How many people are
    affected by gout?"; none for "Gout - What is gout?"."""
    topic = _PUBLISHER.sub("", title).partition(" - ")[0]
    return frozenset(content_terms(section_question(title), drop_generic=False)
                     - content_terms(topic, drop_generic=False))


def asks_the_question(title: str, question: str) -> bool:
    """Is the title's section the question asked: every word it asks besides its topic is in the question?"""
    asked = _asked_terms(title)
    return bool(asked) and asked <= content_terms(question, drop_generic=False)


LEAD_SECTION_DOCS = 5  # a section titled as the answer asked for may lead if retrieval ranked it this high
# (5, not 3: "signs of cushing syndrome" ranks "What are the symptoms of Cushing's Syndrome?" fourth, after three
# "What is" pages)


def lead_document(hits: Sequence[Hit], ranked: Sequence[int], question_type: str,
                  within: int = LEAD_SECTION_DOCS, narrower: Callable[[str], bool] | None = None) -> str:
    """The best-ranked document of ``ranked`` (indexes into ``hits``; a document ranks by its best passage, which
    need not be one of them), unless one of the next ``within`` documents is the section whose title promises the
    kind of answer asked for ("What are the treatments for Lupus Nephritis?" for "how do they treat lupus in the
    kidneys", over "What to do for Lupus Nephritis?").

    ``narrower`` says whether a document's title is on a narrower topic whose name holds the asked subject: such a
    section ("Lupus Nephritis - What are the symptoms…" for "signs of lupus in women") does not take the lead from
    a best-ranked document that is not."""
    wanted = {hits[i].chunk.doc_id for i in ranked}
    docs = [d for d in dict.fromkeys(h.chunk.doc_id for h in hits) if d in wanted]
    titles = {hits[i].chunk.doc_id: hits[i].chunk.meta.title for i in ranked}
    promised = [d for d in docs[:within] if promises(titles[d], question_type)]
    if narrower is not None and not narrower(docs[0]):
        promised = [d for d in promised if not narrower(d)]
    return promised[0] if promised else docs[0]


def promised_section_within(hits: Sequence[Hit], question_type: str, within: int = LEAD_SECTION_DOCS) -> list[Hit]:
    """``hits`` with the best-ranked passage whose section title promises the kind of answer asked for moved up to
    position ``within`` when none of the first ``within`` does: retrieval found "Is rheumatoid arthritis
    inherited?" for "does it run in families", but ranked it below five "What is rheumatoid arthritis?" passages,
    and the writer reads only the first few."""
    hits = list(hits)
    if any(promises(h.chunk.meta.title, question_type) for h in hits[:within]):
        return hits
    later = next((i for i, h in enumerate(hits) if i >= within and promises(h.chunk.meta.title, question_type)), None)
    if later is None:
        return hits
    return [*hits[:within - 1], hits[later], *(h for i, h in enumerate(hits) if i >= within - 1 and i != later)]
