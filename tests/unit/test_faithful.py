"""The verifier keeps each number with its own medicine and each sentence on the asked subject (issue 10)."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from citecare.answer.faithful import faithfulness_reasons, number_off_its_drug, off_subject, subject_names
from citecare.answer.llm_writer import LLMWriter
from citecare.answer.subject import Subject
from citecare.answer.verify import check_support, verify_answer
from citecare.config import Settings
from citecare.prompts import load_prompts
from citecare.types import Chunk, SourceMeta

PREGABALIN_LABEL = "pregabalin - DOSAGE AND ADMINISTRATION (DailyMed (NLM) / FDA drug label)"
LABEL_TEXT = "In view of the dose-dependent adverse reactions, treatment with doses above 300 mg/day is not recommended."


def test_a_number_goes_only_with_its_own_drug() -> None:
    wrong = "Methotrexate doses above 300 mg/day are not recommended."
    right = "Pregabalin doses above 300 mg/day are not recommended."
    assert number_off_its_drug(wrong, LABEL_TEXT, PREGABALIN_LABEL) == "300"
    assert number_off_its_drug(right, LABEL_TEXT, PREGABALIN_LABEL) is None
    # Both drugs in one passage: the sentence holding the number decides.
    mixed = "Methotrexate is taken once a week. Pregabalin doses above 300 mg/day are not recommended."
    assert number_off_its_drug(wrong, mixed) == "300"
    assert number_off_its_drug("Methotrexate is taken 1 time a week.", "Methotrexate is taken 1 time a week.") is None
    assert number_off_its_drug("Doses above 300 mg/day are not recommended.", LABEL_TEXT, PREGABALIN_LABEL) is None


def test_a_sentence_must_be_about_the_asked_subject() -> None:
    methotrexate = subject_names([Subject(key="methotrexate", label="methotrexate")])
    assert "trexall" in {n.lower() for n in methotrexate}  # a brand of the vocabulary counts
    prednisone_label = "prednisone - ADVERSE REACTIONS (DailyMed (NLM) / FDA drug label)"
    assert off_subject("May suppress reactions to skin tests.", "May suppress reactions to skin tests.",
                       prednisone_label, methotrexate)
    assert not off_subject("It is taken weekly.", "It is taken weekly.", "methotrexate - DOSAGE", methotrexate)
    assert not off_subject("anything", "anything", "", ())  # no subject asked: nothing to hold it to
    classed = subject_names([Subject(key="immunosuppressant", label="immunosuppressants", is_class=True)])
    assert not off_subject("It is taken weekly.", "It is taken weekly.", "azathioprine - DOSAGE", classed)
    assert off_subject("It is taken weekly.", "It is taken weekly.", "ibuprofen - DOSAGE", classed)


def test_verify_answer_drops_what_the_passage_cannot_stand_behind() -> None:
    passages = {1: "Methotrexate is taken once a week. Pregabalin doses above 300 mg/day are not recommended."}
    text = "Methotrexate doses above 300 mg/day are not recommended [1]."
    assert check_support(text, passages[1]).supported  # every word and number is in the passage…
    checked = verify_answer(text, passages, about={1: PREGABALIN_LABEL}, subjects=("ibuprofen",))
    assert not checked.kept
    assert any(r.startswith("number_off_its_drug:300") for r in checked.dropped[0].verdict.reasons)
    assert "off_subject" in checked.dropped[0].verdict.reasons
    assert faithfulness_reasons("Pregabalin doses above 300 mg/day are not recommended.", LABEL_TEXT,
                                PREGABALIN_LABEL, ("pregabalin",)) == []


def test_the_llm_writer_drops_another_drugs_number() -> None:
    label = Chunk(chunk_id="preg-0", doc_id="preg", ordinal=0, text=LABEL_TEXT,
                  meta=SourceMeta(doc_id="preg", title=PREGABALIN_LABEL, publisher="DailyMed (NLM) / FDA drug label"))
    raw = ("Pregabalin doses above 300 mg/day are not recommended [1]. "
           "Methotrexate doses above 300 mg/day are not recommended [1].")
    model = FakeListChatModel(responses=[raw])
    result = LLMWriter(model, load_prompts(Settings()), timeout_s=5, min_kept_sentences=1).write(
        "what is the most pregabalin i can take", [(1, label)], subjects=("pregabalin",))
    assert result.ok and "Pregabalin doses" in result.text and "Methotrexate" not in result.text
