"""A section about the asked subject, titled as the kind of answer asked for, is read even when retrieval missed it."""

from __future__ import annotations

from citecare.answer.focus_finder import FocusFinder
from citecare.answer.promised_sections import with_promised_sections
from citecare.answer.retrieval import Retrieval
from citecare.answer.subject import SubjectIndex
from citecare.types import Chunk, Hit, SourceMeta
from citecare.vocab import load_medicines


def _chunk(doc_id: str, title: str, text: str) -> Chunk:
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=0,
                 meta=SourceMeta(doc_id=doc_id, title=title, publisher="NIH"))


WHAT = _chunk("ra-what", "Rheumatoid Arthritis - What is Rheumatoid Arthritis? (NIH)",
              "Rheumatoid arthritis can affect every area of life, from work life to family life.")
INHERITED = _chunk("ra-inherited", "rheumatoid arthritis - Is rheumatoid arthritis inherited? (GHR)",
                   "Having a close relative with rheumatoid arthritis likely increases the risk.")
LUPUS_INHERITED = _chunk("lupus-inherited", "lupus - Is lupus inherited? (GHR)", "Lupus runs in some families.")
CHUNKS = [WHAT, INHERITED, LUPUS_INHERITED]
INDEX = SubjectIndex(CHUNKS, load_medicines(), frozenset({"what", "is", "the", "does", "it"}))
FINDER = FocusFinder(INDEX, [], frozenset())


def _found(question: str, hits: list[Chunk]) -> Retrieval:
    return Retrieval(question, tuple(Hit(chunk=c, score=1.0 / (i + 1)) for i, c in enumerate(hits)), (), 0.5, 0.5)


def _chunks_of(doc_id: str) -> list[Chunk]:
    return [c for c in CHUNKS if c.doc_id == doc_id]


def test_the_titled_section_of_the_asked_subject_is_added() -> None:
    question = "does rheumatoid arthritis run in families"
    focus = FINDER.focus(question)
    assert focus.question_type == "inheritance" and [s.key for s in focus.subjects] == ["rheumatoid arthritis"]
    out = with_promised_sections(_found(question, [WHAT]), focus, INDEX, _chunks_of)
    assert [h.chunk.doc_id for h in out.hits] == ["ra-what", "ra-inherited"]  # not lupus's section


def test_nothing_is_added_when_retrieval_found_it_or_the_kind_is_not_a_section_title() -> None:
    question = "does rheumatoid arthritis run in families"
    found = _found(question, [WHAT, INHERITED])
    assert with_promised_sections(found, FINDER.focus(question), INDEX, _chunks_of) is found
    question = "what is rheumatoid arthritis"
    found = _found(question, [WHAT])
    assert with_promised_sections(found, FINDER.focus(question), INDEX, _chunks_of) is found
