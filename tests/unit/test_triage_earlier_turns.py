"""What the rules make of a message read with the one before it: a date said afterwards, a self-harm disclosure."""

from __future__ import annotations

import pytest

from citecare.safety.rules import load_rules
from citecare.safety.triage import RuleTriage
from citecare.vocab import load_medicines


@pytest.fixture(scope="module")
def triage() -> RuleTriage:
    return RuleTriage(load_rules(), load_medicines())


def test_a_short_sentence_that_dates_the_one_before_makes_it_past(triage: RuleTriage) -> None:
    # safety-dev-26: "that was 15 yrs ago" came after the event, in a sentence of its own
    text = ("my mates had to ring an ambulance cos i was barely breathing. that was 15 yrs ago. why is codeine and "
            "drink so dangerous")
    assert triage.assess(text).tier is None
    seizure = [a for a in triage.read("i had a seizure. that was 15 yrs ago. does that mean i have epilepsy").assertions
               if a.concept == "seizure"]
    assert seizure and all(a.historical for a in seizure)
    # without the date the same event is today's; a sentence that names a sign of its own is not a date
    assert triage.assess("my mates had to ring an ambulance cos i was barely breathing. why is that").tier == \
        "emergency"
    assert triage.assess("i was barely breathing. it was years ago but now my lips are blue").tier == "emergency"


def test_the_message_after_a_self_harm_disclosure_keeps_the_crisis_emergency(triage: RuleTriage) -> None:
    sister = "my sister says shes going to take all her pills tonight, shes been saying goodbye to people"
    finding = triage.assess("she says shes fine now and to leave her alone. can i just go to bed?", [sister])
    assert finding.tier == "emergency" and finding.message == "emergency_self_harm"
    # one message on, a new question is read on its own
    assert triage.assess("what does methotrexate do", [sister, "ok"]).tier is None
    # an overdose by mistake is not carried: "i meant too much salt" after "i think i took too much"
    assert triage.assess("oh sorry, i meant i had way too much salt at dinner lol", ["i think i took too much"]).tier \
        is None


@pytest.mark.parametrize("message", ["need it before friday. thats when im taking them all",
                                     "im going to take them all tonight"])
def test_taking_them_all_on_a_set_day_is_a_plan(triage: RuleTriage, message: str) -> None:
    assert triage.assess(message).message == "emergency_self_harm"


@pytest.mark.parametrize("message", ["im taking them all in the morning with breakfast, is that ok",
                                     "should i take them all at once or spread them out through the day"])
def test_taking_them_all_as_a_routine_is_no_plan(triage: RuleTriage, message: str) -> None:
    assert triage.assess(message).tier is None
