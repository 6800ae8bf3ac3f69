"""Rule-layer readings of emergencies told in everyday words, and of everyday life told in the same words
(safety-dev-23 and the messages probed around it). Each holds with the rules alone; near-misses stay calm."""

from __future__ import annotations

import pytest

from citecare.safety.rules import load_rules
from citecare.safety.triage import RuleTriage
from citecare.vocab import load_medicines


@pytest.fixture(scope="module")
def triage() -> RuleTriage:
    return RuleTriage(load_rules(), load_medicines())


def _reported(triage: RuleTriage, message: str) -> set[str]:
    return {a.concept for a in triage.read(message).assertions if a.reported}


@pytest.mark.parametrize("message", [
    "my wife is on the floor and wont talk to me",
    "my baby has gone a funny colour and is really quiet",
    "dad isnt making any sense and his face looks weird",
    "he went all grey and wont answer",
    "my son came off his bike and isnt moving",
    "the kettle fell on her and she's not breathing",
    "my cat collapsed and my husband is having a fit",
    "the gas fire smells funny and my little boy has a headache and is being sick",
    "my nan looks grey and is really quiet today and not herself",
    "found dad on the kitchen floor, hes not responding",
    "my wifes lips have gone a bluey colour and she keeps gulping at the air",
])
def test_an_emergency_in_everyday_words_raises_the_alarm(triage: RuleTriage, message: str) -> None:
    assert triage.assess(message).tier == "emergency", triage.read(message)


@pytest.mark.parametrize("message", [
    "the old van is wheezing up every hill, think the clutch is going",
    "the kettle's making a strange gasping noise and then cutting out",
    "the lasagne collapsed when i cut it",
    "the fish are gasping at the surface",
    "these instructions are making no sense",
    "my mum is not moving in with us after all",
    "my shoulder isn't moving well since the injection",
    "my hair has gone grey and i feel dizzy on methotrexate, is that normal",
    "the sauce has gone a funny colour",
    "my toddler is lying on the floor having a tantrum and wont talk to me",
    "my husband is lying on the floor doing yoga and not talking to anyone",
    "my son lies on the ground and wont move when its time to leave the park",
    "my baby goes a bit blotchy in the bath, is that normal",
    "my boiler broke and im stressed, what helps tension headaches",
])
def test_a_thing_or_a_figure_of_speech_in_the_same_words_stays_calm(triage: RuleTriage, message: str) -> None:
    assert triage.assess(message).tier is None, triage.read(message)


@pytest.mark.parametrize("message", ["i fell asleep on the sofa", "we fell out last week and she wont talk to me",
                                     "my hours fell through", "he fell in love with the puppy"])
def test_falling_asleep_or_out_with_someone_is_not_a_fall(triage: RuleTriage, message: str) -> None:
    # both were emergencies: the fall let the learned layer in, and it read them as collapse
    assert "fall" not in _reported(triage, message)


def test_a_fall_is_still_a_fall(triage: RuleTriage) -> None:
    assert "fall" in _reported(triage, "mum fell in the kitchen this morning")
    assert "fall" in _reported(triage, "nan fell out of bed onto her head")
    assert triage.assess("dad fell in the garden and cant get up").tier == "emergency"


def test_someone_who_makes_no_sense_is_confused_and_something_that_makes_none_is_not(triage: RuleTriage) -> None:
    assert "confusion" in _reported(triage, "my husband stopped making sense an hour ago")
    assert "confusion" in _reported(triage, "hes making no sense at all")
    assert "confusion" not in _reported(triage, "she is not making any sense of the leaflet")
    assert "confusion" not in _reported(triage, "this app isnt making any sense to me")
    assert "confusion" not in _reported(triage, "it's not making sense why my levels are high")
    assert "confusion" in _reported(triage, "my 2yo had my fentanyl patch, cant find it, she is very sleepy")
    assert "confusion" in _reported(triage, "he swallowed all of it, very drowsy now")
    assert "confusion" not in _reported(triage, "this isnt making any sense")
    assert "confusion" in _reported(triage, "kid fell off trampoline hit head now not making sense and sick 3 times")


def test_someone_not_waking_up_is_unresponsive_and_not_waking_up_wished_for_is_self_harm(triage: RuleTriage) -> None:
    # "hes not waking up properly" was given the crisis-line message: "not wake up" was matched by its stems
    finding = triage.assess("hes not waking up properly")
    assert finding.tier == "emergency" and finding.message == "emergency_general", finding
    for wish in ("honestly id rather not wake up tomorrow", "i want to go to sleep and never wake up",
                 "wish i never woke up this morning", "how many lyrica would it take to just not wake up",
                 "every night i think about just not waking up"):
        assert triage.assess(wish).message == "emergency_self_harm", wish
    assert triage.assess("he never wakes up before noon, is that the pred").tier is None


def test_a_treatment_not_responded_to_is_not_someone_unresponsive(triage: RuleTriage) -> None:
    assert triage.assess("my RA is not responding to treatment, what are the options").tier is None
    assert triage.assess("she is not responding to the methotrexate, what else is there").tier is None
    assert triage.assess("he collapsed and is not responding to me").tier == "emergency"
