"""The section of the asked subject whose title promises the kind of answer asked for, found by its title when
retrieval missed it.

Many sources are split into sections titled by the question they answer: "rheumatoid arthritis - Is rheumatoid
arthritis inherited?", "prednisone - ADVERSE REACTIONS". For "does it run in families" after a question on
rheumatoid arthritis, retrieval ranked seven passages on the disease in general (one of them says "…from work
life to family life") and not the section on inheritance. When the question has one subject and asks a kind of
question such titles name, a section about that subject titled so is added among the passages the writer reads;
the composer still decides, sentence by sentence, what answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from citecare.answer.query import content_terms
from citecare.answer.retrieval import Retrieval
from citecare.answer.section_title import LEAD_SECTION_DOCS, promises
from citecare.answer.subject import Focus, SubjectIndex
from citecare.types import Chunk, Hit

ADDED_SECTIONS = 2  # at most this many sections are added (several publishers title the same question)
# Kinds of question a section title answers as asked. Not "causes": "What causes psoriasis?" gives the cause of
# the disease, while patients asking what causes something often mean a trigger ("what sets off psoriasis
# flares") or a symptom's cause; "definition" and "other" are what every page of a topic starts with.
TITLED_KINDS = frozenset({"side_effects", "dosage", "interactions", "who_should_not", "symptoms", "inheritance",
                          "prevention", "treatment", "monitoring", "frequency", "duration", "diagnosis", "research",
                          "who_gets"})


def with_promised_sections(found: Retrieval, focus: Focus, index: SubjectIndex,
                           chunks_of: Callable[[str], Sequence[Chunk]]) -> Retrieval:
    """``found`` with up to ``ADDED_SECTIONS`` passages of sections about the one asked subject whose titles
    promise the asked kind of answer, placed within the first ``LEAD_SECTION_DOCS`` passages; unchanged when a
    retrieved passage already comes from such a section."""
    if len(focus.subjects) != 1 or focus.question_type not in TITLED_KINDS:
        return found
    subject, kind = focus.subjects[0], focus.question_type
    hits = list(found.hits)
    if any(promises(h.chunk.meta.title, kind) and index.is_about(h.chunk.doc_id, subject) for h in hits):
        return found
    sections = [d for d in index.documents_about(subject) if promises(index.titles[d], kind)]
    if not sections:
        return found
    asked = content_terms(found.query)
    passages = [c for d in sections for c in chunks_of(d)[:1]]
    passages.sort(key=lambda c: (-len(asked & content_terms(c.embedding_text())), c.doc_id))
    at = min(LEAD_SECTION_DOCS - 1, len(hits))
    score = hits[at - 1].score if at else 1.0
    added = [Hit(chunk=c, score=score) for c in passages[:ADDED_SECTIONS]]
    return replace(found, hits=tuple(hits[:at] + added + hits[at:]))
