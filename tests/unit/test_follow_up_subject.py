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


def test_a_follow_ups_kind_of_question_is_read_in_the_patients_own_words() -> None:
    # "will our children get it?" made to stand alone with the earlier subject reads as a plain yes/no question
    focus = _finder().focus("will our children get psoriasis?", ["my husband has psoriasis"],
                            as_written="will our children get it?")
    assert focus.question_type == "inheritance"
    plain = _finder().focus("will our children get psoriasis?", ["my husband has psoriasis"])
    assert plain.question_type == "yes_no"


def test_an_inheritance_question_may_span_two_sentences() -> None:
    assert _finder().focus("my mum has psoriasis. will i get it too?").question_type == "inheritance"
    assert _finder().focus("my mum has psoriasis. is it itchy?").question_type == "yes_no"


def test_how_the_answer_should_be_put_is_not_its_aspect() -> None:
    focus = _finder().focus("what is psoriasis, in simple words?")
    assert not {"simpl", "word", "words", "simple"} & focus.aspect_terms, focus.aspect_terms
    assert _finder().focus("what are psoriasis words?").aspect_terms  # the words themselves are asked here


def test_the_askers_own_people_are_not_the_aspect_unless_who_is_asked() -> None:
    # "mum has polymyositis. are they researching any new treatments…": no source sentence needs to say "mum"
    focus = _finder().focus("my mum has psoriasis. how is it treated?")
    assert "mum" not in focus.aspect_terms, focus.aspect_terms
    # who gets it, or whether it runs in families, is asked of the people named
    assert "sister" in _finder().focus("is psoriasis inherited? my sister has it").aspect_terms
    assert "sister" in _finder().focus("who gets psoriasis? my sister has it").aspect_terms


def test_a_verb_after_an_unknown_name_is_not_part_of_it() -> None:
    # "My sources don't cover this question about psoriasis and propranolol make"
    finder = FocusFinder(SubjectIndex(CHUNKS, load_medicines()), {"psoriasis": 1, "skin": 1},
                         frozenset({"can", "make", "worse", "what", "is", "the", "how", "will"}))
    unknown = finder.focus("can propranolol make psoriasis worse").unknown
    assert "propranolol" in unknown and not any("make" in name for name in unknown), unknown
