"""The one medicines vocabulary: loads, validates, and finds medicines however patients write them."""

from __future__ import annotations

import pytest

from citecare.vocab import VocabularyError, load_medicines, parse_medicines


def test_finds_generics_brands_misspellings_and_classes() -> None:
    meds = load_medicines()
    found = {(m.name, m.is_class) for m in meds.mentions("on Humira and predisone, tylenol for pain, and my steroids")}
    assert ("adalimumab", False) in found and ("prednisone", False) in found and ("acetaminophen", False) in found
    assert ("corticosteroid", True) in found


def test_whole_words_only_and_longest_form_wins() -> None:
    meds = load_medicines()
    assert not meds.mentions("the predator medication")  # "pred" is an alias, but not inside another word
    assert [m.name for m in meds.mentions("tylenol with codeine")] == ["codeine"]


def test_a_kind_named_before_a_general_class_term_is_one_subject() -> None:
    meds = load_medicines()
    assert [m.name for m in meds.subject_mentions("how do opioid painkillers work")] == ["opioid"]
    assert [m.name for m in meds.mentions("how do opioid painkillers work")] == ["opioid", "analgesic"]
    assert [m.name for m in meds.subject_mentions("tramadol or other painkillers")] == ["tramadol", "analgesic"]
    assert meds.subject_mentions("what helps back pain") == []


def test_immunosuppression_comes_from_the_classes() -> None:
    meds = load_medicines()
    [mtx] = meds.mentions("methotrexate")
    [ibu] = meds.mentions("ibuprofen")
    assert meds.immunosuppressive(mtx) and not meds.immunosuppressive(ibu)
    assert meds.canonical("Enbrel") == "etanercept" and meds.brand_expansions()["lyrica"] == "pregabalin"


@pytest.mark.parametrize(("data", "problem"), [
    ({"medicine": []}, "reviewer"),
    ({"reviewer": "x", "reviewed": "2026", "medicine": [{"name": "a", "classes": ["nope"]}]}, "unknown classes"),
    ({"reviewer": "x", "reviewed": "2026", "medicine": [{"name": "a"}, {"name": "a"}]}, "duplicate"),
    ({"reviewer": "x", "reviewed": "2026", "medicine": [{"name": "a", "brand": ["b"]}]}, "unknown fields"),
    ({"reviewer": "x", "reviewed": "2026", "medicine": [{"name": "a", "brands": ["x"]}, {"name": "b", "brands": ["x"]}]},
     "names both"),
])
def test_bad_vocabulary_is_refused_at_load(data: dict[str, object], problem: str) -> None:
    with pytest.raises(VocabularyError, match=problem):
        parse_medicines(data)


def test_a_listed_misspelling_is_searched_as_the_generic_name() -> None:
    from citecare.answer.query import respell_medicines

    assert respell_medicines("what does hydro coding acet 5-325") == "what does hydrocodone acet 5-325"
    assert respell_medicines("Is Acetominophen OK with ibuprofin?") == "Is acetaminophen OK with ibuprofen?"
    # Brands and correct names stay as written (a brand may be what the label is titled with).
    assert respell_medicines("tylenol pm mg?") == "tylenol pm mg?"
    assert respell_medicines("hydrocoding is not a listed spelling") == "hydrocoding is not a listed spelling"
