"""Children or adults: a sentence about the people a question does not ask about does not answer it."""

from __future__ import annotations

from citecare.answer.population import about_others_only, other_population


def test_a_question_about_a_baby_is_not_answered_by_a_sentence_about_adults() -> None:
    others = other_population("How many Prevnar shots does a baby need and at what ages?")
    assert about_others_only("Vaccination Schedule for Adults 18 Years of Age and Older: Prevnar 13 is given once.", others)
    assert not about_others_only("Children who miss their shots should still get the vaccine.", others)
    assert not about_others_only("Adults and children over 2 may get it.", others)  # speaks of both


def test_a_question_about_adults_is_not_answered_by_a_sentence_about_children_only() -> None:
    others = other_population("what is the usual dose for adults")
    assert about_others_only("For children 6 to 11 years old, give 5 mL.", others)
    assert not about_others_only("The usual adult dose is 10 mg.", others)


def test_a_question_naming_no_one_changes_nothing() -> None:
    assert other_population("how often is prevnar given") is None
    assert not about_others_only("Adults get one dose.", other_population("what is prevnar"))


def test_a_dose_not_said_of_children_is_not_quoted_for_a_child() -> None:
    from citecare.answer.population import asks_about_children, dose_not_said_of_children

    assert asks_about_children("My 10 yr old was just diagnosed with Crohn's. What dose of Entocort would he get?")
    assert not asks_about_children("what dose of entocort is used")
    assert dose_not_said_of_children("ENTOCORT EC 6 mg orally is recommended once daily for maintenance.")
    assert not dose_not_said_of_children("For children 8 to 17 years, the dose is 9 mg once daily.")
    assert not dose_not_said_of_children("Entocort is taken in the morning.")  # no dose


def test_a_follow_up_is_about_whom_the_conversation_was_about() -> None:
    from citecare.answer.population import asked_population

    earlier = ["my baby girl is 6 weeks old, what is prevnar?"]
    assert asked_population("how many doses does she need and at what ages", earlier) == "children"
    assert asked_population("how many doses do i need myself", earlier) == ""  # the patient, not the baby
    assert asked_population("and for adults over 65?", earlier) == "adults"  # the question's own people win
    assert asked_population("how often is prevnar given") == ""

