"""Quality on the real external data set (../shared/extdata), ingested into its own index once per session."""

from __future__ import annotations

import json

import pytest

from citecare.evals.cases import load_nlm
from citecare.evals.gates import compare_to_baseline
from citecare.evals.retrieval_modes import evaluate, load_questions
from citecare.evals.runner import run_eval, summarize
from tests.conftest import EXTDATA, PROJECT_ROOT

pytestmark = [pytest.mark.extdata, pytest.mark.e2e]
BASELINE = PROJECT_ROOT / "evals" / "baselines" / "nlm-qa-dev.json"
# HNSW graphs are built in a slightly different order on every fresh index: allow one or two questions.
TOLERANCE = 0.03


def test_hybrid_retrieval_beats_each_retriever_alone(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    results = evaluate(extdata_engine, load_questions(EXTDATA / "qa-dev.jsonl"))
    print(json.dumps(results, indent=1))
    for group in ("templated", "consumer"):
        hybrid = results["hybrid"][group]["mrr"]
        assert hybrid >= results["dense"][group]["mrr"], group
        assert hybrid >= results["bm25"][group]["mrr"], group
    # The product goal for well-formed (templated) questions: the right source comes first.
    assert results["hybrid"]["templated"]["hit@1"] >= 0.9
    assert results["first_citation"]["templated"]["correct"] >= 0.9


def test_qa_dev_does_not_regress_against_the_committed_baseline(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    cases = load_nlm(EXTDATA / "qa-dev.jsonl")
    baseline = json.loads(BASELINE.read_text())
    summary = summarize(run_eval(extdata_engine, cases), n_boot=100)
    worse = [
        f"{d.group}/{d.metric}: {d.baseline:.3f} -> {d.current:.3f}"
        for d in compare_to_baseline(summary, baseline)
        if d.group in ("all", "consumer", "medquad") and not d.metric.startswith("latency_")
        and d.worse_by > TOLERANCE
    ]
    assert not worse, worse
    metrics = summary["all"]["metrics"]
    assert metrics["ungrounded_rate"]["value"] == 0.0
    assert metrics["citation_precision"]["value"] == 1.0


def test_a_misspelled_medicine_is_searched_by_its_name(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # MedicationQA row 314, as a patient typed it: the vocabulary knows "hydro coding" as hydrocodone. Searched as
    # written, the label's passage scored too low and the answer was "not covered".
    answer = extdata_engine.ask("what does hydro coding acet 5-325")
    assert answer.kind == "answer", answer.text
    assert answer.citations[0].doc_id == "medicationqa_row314"
    assert "relief of moderate to moderately severe pain" in answer.text


def test_a_prescribers_dose_instruction_is_never_quoted(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # medicationqa_row521 tells the prescriber to "raise the dose to the previous level and taper more slowly".
    for question in ("what are the milligrams for oxycodone e", "how do you come off oxycodone"):
        answer = extdata_engine.ask(question)
        assert "raise the dose" not in answer.text.lower(), answer.text
        assert "taper the dose gradually" not in answer.text.lower(), answer.text


@pytest.mark.parametrize("question", ["tylenol pm mg?", "is tylenol hard on your liver", "how you use for paracetamol"])
def test_a_combined_products_facts_are_not_given_for_one_of_its_medicines(extdata_engine, question) -> None:  # type: ignore[no-untyped-def]
    # The library's acetaminophen-with-codeine, hydrocodone + acetaminophen and Percocet labels state their own
    # strengths and uses; asked about Tylenol or Tylenol PM, they were quoted as acetaminophen's.
    answer = extdata_engine.ask(question)
    quoted = " ".join(c.quote for c in answer.citations).lower()
    assert not any(other in quoted for other in ("codeine", "hydrocodone", "oxycodone")), answer.text
    assert not {"medicationqa_row490", "medicationqa_row314"} & {c.doc_id for c in answer.citations}, answer.text


def test_a_list_under_its_lead_in_answers_as_one_sentence(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # NIDDK lists symptoms as "The most common signs and symptoms of Crohn's disease are" + bullets; each bullet
    # alone was an unquotable fragment, so the answer quoted "symptoms can be different for each person".
    answer = extdata_engine.ask("crohns symptoms")
    assert answer.kind == "answer", answer.text
    lead = answer.citations[0].quote
    assert "diarrhea" in lead and "weight loss" in lead, answer.text


def test_side_effects_of_no_named_medicine_ask_which_one(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # On the whole library, with nothing earlier, one drug label's fragment ("The methylprednisolone label lists
    # among its adverse reactions: May suppress reactions to skin tests.") answered for a medicine nobody named.
    answer = extdata_engine.ask("How will my doctor keep an eye on side effects?")
    assert answer.kind == "no_evidence" and not answer.citations, answer.text
    assert "which medicine" in answer.text.lower(), answer.text


def test_a_follow_up_keeps_the_patients_subject_not_the_replys_list(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # The issue's calibration paraphrase, in a real conversation on the whole library: the reply to "What are
    # immunosuppressants?" lists psoriasis medicines, and the follow-up inherited all six names ("not covered").
    from citecare.types import Turn

    first = extdata_engine.ask("What are immunosuppressants?")
    history = [Turn("user", "What are immunosuppressants?"), Turn("assistant", first.text)]
    answer = extdata_engine.ask("How will my doctor keep an eye on side effects?", history)
    assert answer.kind == "answer", answer.text
    assert "blood tests" in answer.text.lower(), answer.text


@pytest.mark.parametrize("history, question", [
    ((), "how many prevnar doses does my 6 week old baby need and at what ages"),
    (("my baby girl is 6 weeks old, what is prevnar?",), "how many doses does she need and at what ages"),
])
def test_an_answer_about_a_baby_does_not_lead_with_the_adults_schedule(extdata_engine, history, question) -> None:  # type: ignore[no-untyped-def]
    # The best-ranked Prevnar page is the adults' schedule: "Vaccination Schedule for Adults 18 Years of Age and
    # Older: Prevnar 13 is administered as a single dose." led, and a parent reads it as their baby's (a follow-up
    # that says only "she" is about the baby named before).
    from citecare.types import Turn

    turns = [t for h in history for t in (Turn("user", h), Turn("assistant", "Prevnar 13 is a pneumococcal vaccine."))]
    answer = extdata_engine.ask(question, turns)
    assert answer.kind == "answer", answer.text
    assert "for adults" not in answer.citations[0].quote.lower(), answer.text
    adult = extdata_engine.ask("how many doses of prevnar does an adult need")
    assert "adults" in adult.text.lower(), adult.text


@pytest.mark.parametrize("question, subject, says", [
    # "sarcoid" is in no document: it was named back as a subject the sources do not cover
    ("does everyone with sarcoid need treatment", "sarcoidosis", "needs treatment"),
    # "AS" was dropped as the everyday word "as", and the question had no subject at all
    ("hubby has AS and is HLA-B27 positive, will our kids get it", "ankylosing spondylitis", "hla-b27"),
])
def test_a_clipped_name_or_a_capital_abbreviation_names_its_topic(extdata_engine, question, subject, says) -> None:  # type: ignore[no-untyped-def]
    answer = extdata_engine.ask(question)
    assert answer.kind == "answer", answer.text
    assert answer.verification["subjects"] == [subject], answer.verification
    assert says in answer.text.lower(), answer.text


def test_a_follow_up_keeps_the_vaccine_the_patient_named_by_its_disease(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # Made to stand alone as "…given vaccines", the follow-up asked about vaccines in general and was answered
    # with the shingles vaccine's schedule.
    from citecare.types import Turn

    first = "my nurse said i need the pneumonia vaccines now im 65"
    history = [Turn("user", first), Turn("assistant", extdata_engine.ask(first).text)]
    answer = extdata_engine.ask("how far apart are they given", history)
    assert answer.verification["subjects"] == ["pneumococcal vaccine"], answer.verification
    assert "shingles" not in answer.text.lower(), answer.text


@pytest.mark.parametrize("question", ["is gabapentin addictive", "can people with asthma take ibuprofen"])
def test_an_aspect_no_source_sentence_speaks_of_is_not_covered(extdata_engine, question) -> None:  # type: ignore[no-untyped-def]
    # answers-dev-10/11: the word-to-sentence closeness at 0.12 let a gabapentin dosing schedule answer whether it
    # is addictive, and a stomach-protection sentence whether people with asthma can take ibuprofen
    answer = extdata_engine.ask(question)
    assert answer.kind == "no_evidence" and not answer.citations, answer.text


def test_steroids_are_read_in_the_sense_the_patient_means(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # answers-dev-12: "steroids" quoted the withdrawal symptoms of people who abuse anabolic steroids; asked with "the
    # gym ones", the anabolic steroid page answers (answers-dev-7)
    mood = extdata_engine.ask("Can steroids mess with your mood or sleep?")
    assert mood.kind == "answer" and "corticosteroid" in mood.text.lower(), mood.text
    assert "abuse" not in mood.text and "anabolic" not in mood.text, mood.text
    gym = extdata_engine.ask("can u get addicted to steroids? like the gym ones not the medical ones")
    assert gym.kind == "answer" and "anabolic steroids" in gym.text and "addiction" in gym.text, gym.text


def test_what_the_question_sets_aside_is_not_required_of_the_answer(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # answers-dev-12: "apart from painkillers" made painkillers a second subject, and no passage joined the two
    answer = extdata_engine.ask("what can help chronic pain apart from painkillers")
    assert answer.kind == "answer" and "chronic pain" in answer.text.lower(), answer.text


def test_the_whooping_cough_vaccine_in_pregnancy_is_answered_from_a_tdap_sentence(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # answers-dev-13: a CDC table row glued to the next line led ("2 months 4 months … 4 through 6 years If your
    # child…"); split apart, no sentence named whooping cough and the answer was "Whooping cough causes
    # uncontrollable coughing." The vaccine named after what it prevents is the Tdap vaccine.
    answer = extdata_engine.ask("when in pregnancy do they give you the whooping cough vaccine")
    assert answer.kind == "answer" and answer.verification["subjects"] == ["tdap vaccine"], answer.verification
    lead = answer.text.split("[1]")[0]
    assert "pregnan" in lead.lower() and "Tdap" in lead and "2 months" not in answer.text, answer.text


def test_a_question_contrasting_painkillers_does_not_quote_painkiller_pages(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    # answers-dev-13: "…why my doctor wants to treat inflamation not just give painkillers" led with Narcotics
    # Anonymous, locked on painkillers
    answer = extdata_engine.ask("how does inflamation make pain worse? trying to understand why my doctor wants to "
                                "treat inflamation not just give painkillers")
    assert "painkillers" not in answer.verification.get("subjects", []), answer.verification
    assert "Narcotics Anonymous" not in answer.text, answer.text


def test_a_follow_up_written_with_texting_words_is_still_answered(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    from citecare.types import Turn

    first = "what is TPMT deficiency"
    history = [Turn("user", first), Turn("assistant", extdata_engine.ask(first).text)]
    answer = extdata_engine.ask("how many people have it tho", history)
    assert answer.kind == "answer" and "less than 1 percent" in answer.text, answer.text
