"""The sentence-vs-passage verifier, tried on real wrong answers and on faithful ones."""

from __future__ import annotations

import json

import pytest

from citecare.answer.verify import check_support, content_words, verify_answer
from citecare.text import parse_markers, split_sentences, strip_markers

# The seed corpus paragraph on monitoring (shared/seed-corpus).
MONITORING = (
    "However, while immunosuppressants can be effective, they also come with risks. Since they lower the "
    "body's ability to fight infections and other diseases, patients using these medications must be "
    "monitored closely. Regular blood tests can help track potential side effects, ensuring that the "
    "benefits outweigh the risks."
)
BLOOD_TESTS = "Regular blood tests can help track potential side effects, ensuring that the benefits outweigh the risks."
DOSING = (
    "For rheumatoid arthritis, methotrexate is usually started at 7.5 mg once a week. Blood tests are needed "
    "every 2 weeks at first. Do not drink alcohol while taking methotrexate. If you feel unwell, call "
    "1-800-222-1222."
)


# --- real wrong answers --------------------------------------------------------------------------


def test_smollm2_no_you_do_not_need_blood_tests_is_a_negation_flip() -> None:
    # SmolLM2-135M's real answer to "Do I need blood tests while on methotrexate?" given this passage.
    verdict = check_support("No, you do not need to take blood tests.", BLOOD_TESTS)
    assert not verdict.supported
    assert "negation_flip:need" in verdict.reasons


def test_negation_flip_is_caught_even_when_the_words_overlap() -> None:
    verdict = check_support("Regular blood tests are not needed.", BLOOD_TESTS)
    assert verdict.score >= 0.6  # overlap alone would have let it through
    assert not verdict.supported
    assert any(r.startswith("negation_flip:") for r in verdict.reasons)


@pytest.mark.parametrize(
    "sentence",
    [
        "Blood tests are unnecessary.",
        "You never need regular blood tests.",
        "Regular blood tests don't help track side effects.",
        "No, regular blood tests help track potential side effects.",
    ],
)
def test_other_negations_of_a_yes_fact_are_dropped(sentence: str) -> None:
    verdict = check_support(sentence, BLOOD_TESTS)
    assert not verdict.supported
    assert any(r.startswith("negation_flip:") for r in verdict.reasons), verdict


def test_asserting_what_the_passage_forbids_is_a_negation_flip() -> None:
    verdict = check_support("You can drink alcohol while taking methotrexate.", DOSING)
    assert not verdict.supported
    assert "negation_flip:drink" in verdict.reasons


def test_without_flips_with() -> None:
    verdict = check_support("You can take it without food.", "Take the tablets with food.")
    assert not verdict.supported
    assert "negation_flip:food" in verdict.reasons


def test_wrong_dose_is_dropped() -> None:
    verdict = check_support("Take 25 mg weekly.", DOSING)
    assert not verdict.supported
    assert "missing_numbers:25 mg" in verdict.reasons


def test_right_number_with_wrong_unit_is_dropped() -> None:
    verdict = check_support("Methotrexate is usually started at 7.5 mcg once a week.", DOSING)
    assert not verdict.supported
    assert "missing_numbers:7.5 mcg" in verdict.reasons


def test_wrong_interval_and_wrong_phone_number_are_dropped() -> None:
    assert (
        "missing_numbers:4 weeks"
        in check_support("Blood tests are needed every 4 weeks at first.", DOSING).reasons
    )
    verdict = check_support("If you feel unwell, call 1-800-222-1223.", DOSING)
    assert verdict.reasons == ("missing_numbers:1-800-222-1223",)


def test_drug_name_not_in_the_passage_is_dropped() -> None:
    verdict = check_support(
        "Regular blood tests with adalimumab help track potential side effects.", BLOOD_TESTS
    )
    assert verdict.score >= 0.6
    assert not verdict.supported
    assert "missing_terms:adalimumab" in verdict.reasons


def test_capitalised_brand_name_not_in_the_passage_is_dropped() -> None:
    verdict = check_support("Regular blood tests on Humira help track potential side effects.", BLOOD_TESTS)
    assert "missing_terms:humira" in verdict.reasons


def test_unrelated_claim_has_low_overlap() -> None:
    verdict = check_support("Immunosuppressants cure cancer in most patients.", BLOOD_TESTS)
    assert not verdict.supported
    assert verdict.reasons[0].startswith("low_overlap:")
    assert verdict.score < 0.6


# --- faithful answers ----------------------------------------------------------------------------


def test_verbatim_sentence_is_kept_with_full_score() -> None:
    verdict = check_support(BLOOD_TESTS, MONITORING)
    assert verdict.supported
    assert verdict.score == 1.0
    assert verdict.reasons == ()


@pytest.mark.parametrize(
    ("sentence", "passage"),
    [
        ("Regular blood tests help track possible side effects. [1]", MONITORING),
        (
            "Patients on these medications need close monitoring because they lower the ability to fight infections.",
            MONITORING,
        ),
        ("Methotrexate is usually started at 7.5 mg once a week.", DOSING),
        ("At first, blood tests are needed every two weeks.", DOSING),
        ("You should not drink alcohol while you take methotrexate.", DOSING),
        ("Avoid drinking alcohol while taking methotrexate.", DOSING),
        ("If you feel unwell, call 1-800-222-1222.", DOSING),
    ],
)
def test_faithful_paraphrases_are_kept(sentence: str, passage: str) -> None:
    verdict = check_support(sentence, passage)
    assert verdict.supported, verdict


def test_min_overlap_is_respected() -> None:
    sentence = "Regular blood tests check the liver and kidneys."  # 3 of 6 content words
    assert not check_support(sentence, BLOOD_TESTS).supported
    assert check_support(sentence, BLOOD_TESTS, min_overlap=0.5).supported


def test_sentence_without_content_words_is_not_supported() -> None:
    assert check_support("Yes.", BLOOD_TESTS).reasons == ("no_content",)


# --- verify_answer -------------------------------------------------------------------------------


def test_verify_answer_keeps_supported_and_drops_uncited_wrong_and_flipped() -> None:
    answer = (
        "Yes, regular blood tests can help track potential side effects [1]. "
        "No, you do not need to take blood tests [1]. "
        "Methotrexate is usually started at 25 mg once a week [2]. "
        "Your doctor will decide what is best for you. "
        "Blood tests are needed every 2 weeks at first. [2]"
    )
    result = verify_answer(answer, {1: MONITORING, 2: DOSING})
    assert [s.text for s in result.kept] == [
        "Yes, regular blood tests can help track potential side effects.",
        "Blood tests are needed every 2 weeks at first.",
    ]
    reasons = {s.text: s.verdict.reasons for s in result.dropped}
    assert "negation_flip:need" in reasons["No, you do not need to take blood tests."]
    assert "missing_numbers:25 mg" in reasons["Methotrexate is usually started at 25 mg once a week."]
    assert reasons["Your doctor will decide what is best for you."] == ("no_citation",)
    assert len(result.sentences) == 5


def test_a_sentence_is_kept_if_any_cited_passage_supports_it() -> None:
    result = verify_answer(
        "Blood tests are needed every 2 weeks at first [1][2].", {1: MONITORING, 2: DOSING}
    )
    (kept,) = result.kept
    assert kept.cited == (1, 2)
    assert kept.supported_by == (2,)
    assert kept.with_markers() == "Blood tests are needed every 2 weeks at first. [2]"


def test_citing_the_wrong_passage_drops_the_sentence() -> None:
    result = verify_answer("Blood tests are needed every 2 weeks at first [1].", {1: MONITORING, 2: DOSING})
    assert result.kept == ()


def test_unknown_passage_number_drops_the_sentence() -> None:
    result = verify_answer("Regular blood tests can help track potential side effects [7].", {1: MONITORING})
    assert result.dropped[0].verdict.reasons == ("unknown_citation:7",)


def test_policy_can_drop_a_supported_sentence() -> None:
    result = verify_answer(
        f"{BLOOD_TESTS} [1]", {1: BLOOD_TESTS}, policy=lambda s: ("blocked",) if "blood" in s else ()
    )
    assert result.kept == ()
    assert result.dropped[0].verdict.reasons == ("blocked",)


def test_verification_to_dict_is_json_friendly() -> None:
    result = verify_answer("Regular blood tests help track side effects [1]. Trust me.", {1: MONITORING})
    data = json.loads(json.dumps(result.to_dict()))
    assert (data["sentences"], data["kept"], data["dropped"]) == (2, 1, 1)
    assert data["items"][0]["supported"] is True and data["items"][0]["cited"] == [1]
    assert data["items"][1]["reasons"] == ["no_citation"]


# --- building blocks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A [1]. B [2][3]. C [1, 4]. D [2-4]. E", (1, 2, 3, 4)),
        ("[3] then [1; 2]", (3, 1, 2)),
        ("[Passage 2]", (2,)),
        ("no markers (1)", ()),
    ],
)
def test_parse_markers(text: str, expected: tuple[int, ...]) -> None:
    assert parse_markers(text) == expected


def test_strip_markers_tidies_spaces() -> None:
    assert strip_markers("Blood tests help [1][2]. Really [1, 2] .") == "Blood tests help. Really."


def test_content_words_stem_and_drop_stopwords() -> None:
    assert content_words("The tests are needed for patients.") == {"test", "need", "patient"}
    assert content_words("Blood test") == content_words("blood tests")
    assert "not" not in content_words("You do not need it")


def test_split_sentences_handles_abbreviations_decimals_markers_and_lists() -> None:
    text = (
        "Take 7.5 mg. daily with food, e.g. after breakfast. Ask Dr. Smith about it [1]. "
        "Call 1-800-222-1222 now. [2] Is it safe? Yes!\n"
        "The main risks are:\n"
        "- infections\n"
        "* liver problems\n"
        "1. first item\n"
        "2) second item\n\n"
        "A paragraph that\nwraps onto a second line."
    )
    assert split_sentences(text) == [
        "Take 7.5 mg. daily with food, e.g. after breakfast.",
        "Ask Dr. Smith about it [1].",
        "Call 1-800-222-1222 now. [2]",
        "Is it safe?",
        "Yes!",
        "The main risks are:",
        "infections",
        "liver problems",
        "first item",
        "second item",
        "A paragraph that wraps onto a second line.",
    ]


def test_split_sentences_on_the_seed_paragraph() -> None:
    assert split_sentences(MONITORING) == [
        "However, while immunosuppressants can be effective, they also come with risks.",
        "Since they lower the body's ability to fight infections and other diseases, patients using these "
        "medications must be monitored closely.",
        BLOOD_TESTS,
    ]


def test_a_list_item_after_its_lead_in_is_supported_part_by_part() -> None:
    passage = ("Until your rash has developed crusts, avoid contact with\n- pregnant women who have never had chickenpox\n"
               "- people with weakened immune systems, such as people receiving immunosuppressive medications")
    joined = ("Until your rash has developed crusts, avoid contact with … people with weakened immune systems, such as "
              "people receiving immunosuppressive medications.")
    assert check_support(joined, passage).supported
    assert not check_support("Until your rash has crusted, avoid contact with … children under 12 with asthma.",
                             passage).supported
