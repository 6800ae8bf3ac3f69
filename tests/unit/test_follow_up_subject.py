"""Which subject a follow-up inherits: the patient's own earlier question first, the reply's names only when the
patient named nothing, and "the first one" as the first medicine the reply listed."""

from __future__ import annotations

from citecare.answer.focus_finder import FocusFinder
from citecare.answer.subject import SubjectIndex
from citecare.types import Chunk, SourceMeta
from citecare.vocab import load_medicines


def _chunk(doc_id: str, title: str, text: str) -> Chunk:
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=1,
                 meta=SourceMeta(doc_id=doc_id, title=title, publisher="NIH"))


CHUNKS = [
    _chunk("psoriasis", "Psoriasis - What is Psoriasis? (NIAMS)", "Psoriasis is a skin disease."),
    _chunk("ra", "Rheumatoid Arthritis - treatments (NIA)", "Biologic response modifiers can help."),
]
REPLY = ("Oral or injected medications for psoriasis include methotrexate, cyclosporine, oral retinoids, and "
         "biologics. [1] Immunosuppressants are a class of medications used in chronic pain. [2]")


def _finder() -> FocusFinder:
    index = SubjectIndex(CHUNKS, load_medicines())
    return FocusFinder(index, {"psoriasis": 1, "skin": 1}, frozenset({"what", "is", "the", "how", "will"}))


def test_a_follow_up_is_about_what_the_patient_asked_not_everything_the_reply_named() -> None:
    focus = _finder().focus("How will my doctor keep an eye on side effects?", ["What are immunosuppressants?"],
                            answers=[REPLY])
    assert [s.key for s in focus.subjects] == ["immunosuppressant"] and focus.inherited


def test_the_reply_is_read_when_the_patient_named_nothing() -> None:
    focus = _finder().focus("and what are its side effects?", ["tell me more"], answers=[REPLY])
    assert "methotrexate" in [s.key for s in focus.subjects]


def test_the_first_one_is_the_first_medicine_the_reply_listed() -> None:
    reply = "These drugs include etanercept, infliximab, anakinra, golimumab and abatacept."
    finder = _finder()
    assert [s.key for s in finder.focus("what are the side effects of the first one",
                                        ["what are biologic response modifiers for RA"], answers=[reply]).subjects] == [
        "etanercept"]
    assert [s.key for s in finder.focus("and the last one?", [], answers=[reply]).subjects] == ["abatacept"]
