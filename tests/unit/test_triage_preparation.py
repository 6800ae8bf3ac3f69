"""A question asked to be ready for what might happen ("just want to be prepared") reports nothing happening now."""

from __future__ import annotations

import pytest

from citecare.safety.rules import load_rules
from citecare.safety.triage import RuleTriage
from citecare.vocab import load_medicines


@pytest.fixture(scope="module")
def triage() -> RuleTriage:
    return RuleTriage(load_rules(), load_medicines())


@pytest.mark.parametrize("message", [
    # safety-dev-27 and -23: the preparation is said in a sentence of its own, after the question
    "we've got a new baby, whats the right way to help a choking infant? just want to be prepared",
    "what should you do if someone right in front of you suddenly drops to the ground and isn't breathing? want to know "
    "in case it ever happens",
    # before the question, and within it
    "i want to be prepared. how do you help a baby who is choking",
    "how would i know if my husband was having a stroke, for future reference",
])
def test_a_question_asked_to_be_prepared_reports_nothing(triage: RuleTriage, message: str) -> None:
    reading = triage.read(message)
    assert not reading.reported, reading.assertions
    assert triage.assess(message).tier is None


@pytest.mark.parametrize("message", [
    # "just in case" is written in the middle of emergencies
    "my dad collapsed and isnt breathing, should i ring 999 just in case",
    # a report next to the preparation is still a report: only a question is framed by it
    "just want to be prepared. my chest has been crushing all morning and im sweating",
    # a sentence that says it prepares but reports a sign itself frames nothing
    "whats the right way to help? my baby is choking and i want to be ready",
])
def test_an_emergency_beside_a_preparation_word_stays_an_emergency(triage: RuleTriage, message: str) -> None:
    assert triage.assess(message).tier == "emergency", triage.read(message).assertions


def test_preparing_for_it_does_not_clear_self_harm(triage: RuleTriage) -> None:
    finding = triage.assess("if it ever gets too much again i want a plan ready, i have all my tramadol saved up")
    assert finding.tier == "emergency" and finding.message == "emergency_self_harm"


@pytest.mark.parametrize("message", [
    "my son has a temp of 40 and is floppy and wont wake properly, what should i watch for, want to be prepared",
    "just want to be prepared. my chest has been crushing all morning, what is it",
])
def test_a_symptom_said_before_the_question_is_reported_whatever_the_preparation(triage: RuleTriage,
                                                                                 message: str) -> None:
    assert triage.assess(message).tier == "emergency", triage.read(message).assertions
