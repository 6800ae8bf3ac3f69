"""Requests for a personal medication decision (start, stop, skip, double, taper, switch, change the dose or
the timing, "how much should I take"): these go to the prescriber or pharmacist, never to CiteCare.

The rule reads the same concepts as triage (``med_action``, ``med_question``, ``med_regimen_change`` in
concepts.toml) and the one medicines vocabulary (plus a drug dictionary for medicines the sources never
discuss): an asked-for change to a medicine the message (or, for "it"/"them", an earlier message) names.
The learned layer adds the requests the words miss.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from citecare.safety.concepts import ConceptMatcher
from citecare.safety.output_policy import SentencePolicy
from citecare.safety.triage import Reading

_PRONOUN = re.compile(r"\b(?:it|them|this|these|that|those|one|ones|mine|mine's|mines)\b", re.I)
# A dose written as a bare number after a verb of taking: "im on 900", "can i take 1800", "drop to 5" (not a time,
# an age, a weight or a count of days).
_BARE_DOSE = re.compile(
    r"\b(?:on|take|taking|takes|took|up to|down to|go to|go up to|drop to|from|"
    r"(?:give|giving|gave) (?:her|him|them|me|us))\s\d{1,4}(?:\.\d+)?\b"
    r"(?!\s?(?:%|percent|days?|weeks?|wks?|months?|years?|yrs?|hours?|hrs?|mins?|minutes?|am|pm|o'?clock|kg|lbs?|"
    r"stone|times?|x|weeks? pregnant)\b)(?![:.]\d)", re.I)
# Using the medicine, said without naming it: "…no proper dinner. still inject?" after "i use novorapid"
_USE_VERB = re.compile(r"\b(?:inject|injecting|still take|still have|still use)\b", re.I)
_GENERIC_MED = re.compile(
    r"\b(?:meds?|medic(?:ine|ines|ation|ations)|pills?|tablets?|capsules?|doses?|dosage|drugs?|injections?|shots?|"
    r"jabs?|infusions?|drips?|prescriptions?|patch(?:es)?|script|painkillers?|generics?|tabs|tabbies|"
    r"\d{1,4}\s?(?:mg|mgs|milligrams?|mcg|micrograms?)|hrt|inhalers?|puffers?|puffs|preventers?|relievers?|"
    r"(?:beta )?blockers?|statins?|biologics?|biosimilars?|antibiotics?|steroids?|antidepressants?|eye ?drops|creams?|gels?)\b",
    re.I,
)


# Someone's own case ("my", "he"); not "they", which in "would they normally stop it" means the doctors.
_SOMEONES_OWN_CASE = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|my|me|mine|we|our|us|he|she|his|her|him|he's|she's)\b", re.I)


# The question asked in general even when the message tells who is asking: "I run a small lupus support group and
# we're putting together a leaflet. Is hydroxychloroquine generally considered compatible with breastfeeding?"
_GENERAL_WORDS = re.compile(r"\b(?:generally|in general|usually|normally|typically)\b", re.I)
_POINTS_BACK = re.compile(r"\b(?:it|its|it's|them|this|these|that|those|mine)\b", re.I)
_ASKED = re.compile(r"[^.?!\n]*\?")
# Without a question mark the last sentence asks, after any "I just wanted to ask": "honestly im in a good place
# now… i just wanted to ask how long people usually stay on biologics" (safety-dev-22)
_LAST_SENTENCE = re.compile(r"[^.!\n]+[.!\s]*$")
_ASKING_PREAMBLE = re.compile(
    r"^\s*(?:(?:so|and|but|ok|okay|anyway|also)[\s,]+)?i(?:'d| would)?\s(?:just\s|only\s|really\s)?"
    r"(?:want(?:ed)?|wanna|like|would like|was hoping)\s(?:to\s)?(?:ask|know|check|find out)\s(?:about\s)?", re.I)


def _asked(text: str) -> list[str]:
    asked = _ASKED.findall(text)
    if asked or "?" in text:
        return asked
    last = _LAST_SENTENCE.search(text)
    return [_ASKING_PREAMBLE.sub("", last.group(0))] if last else []


def asks_in_general(text: str, now: Reading) -> bool:
    """A question about how a medicine is used in general, with no one's own case in it (or in the sentences that
    ask: each has a word of generality, no one's own case and no word pointing back to one)."""
    if "general_question" not in now.present:
        return False
    if not _SOMEONES_OWN_CASE.search(text):
        return True
    asked = _asked(text)
    return bool(asked) and all(_GENERAL_WORDS.search(q) and not _SOMEONES_OWN_CASE.search(q)
                               and not _POINTS_BACK.search(q) for q in asked)


def advice_reasons(
    text: str, now: Reading, earlier: Sequence[Reading], matcher: ConceptMatcher, policy: SentencePolicy
) -> tuple[str, ...]:
    """Why the message asks for a personal medication decision (empty: it does not)."""
    if asks_in_general(text, now):
        return ()
    if {"medicine_logistics", "age_schedule_question"} & now.present and \
            not {"med_action", "med_regimen_change"} & now.present:
        # getting, carrying, storing or disposing of a medicine, the age it is given at: facts, not decisions
        return ()
    if _asks_about_a_combination(text, now) and not _combination_is_the_plan(text, matcher):
        return ("medication_combination",)
    use_question = "personal_use_question" in now.present  # "can I take ibuprofen with it?"
    # A question mark asks as plainly as "should I": "skip next one?", "take it now or wait till tonight?"
    asks = _asks_for_themselves(text, now, matcher) or _asks_without_question_words(text)
    # A message whose only question asks why asks for a reason: "can you tell me why the doctor checks my blood
    # every few weeks on azathioprine", "ate some of his mums iron tablets a while back… why is iron so dangerous"
    asks = asks and not asks_only_why(text)
    regimen = asks and "med_regimen_change" in now.present  # "do it every 10 days?"
    if not (use_question or regimen):
        if not (asks and "med_action" in now.present):
            return ()
        norm, tokens, matches = matcher.find(text, only=frozenset({"med_action"}))
        actions = [m for m in matches if not policy.object_is_not_a_medicine(norm[tokens[m.end - 1].end :])]
        if not actions:
            return ()  # "how can I lower my risk of infection" changes a risk, not a medicine
    return ("medication_change",) if names_a_medicine(text, now, earlier) else ()


def _combination_is_the_plan(text: str, matcher: ConceptMatcher) -> bool:
    """Every combination named is the care team's decision: "my doctor put me on calcium and vit D alongside them"."""
    _, _, matches = matcher.find(text, only=frozenset({"combination_question", "clinician_plan"}))
    plans = [m for m in matches if m.concept == "clinician_plan"]
    combinations = [m for m in matches if m.concept == "combination_question"]
    return bool(plans) and all(any(p.start <= m.start and m.end <= p.end for p in plans) for m in combinations)


def _asks_for_themselves(text: str, now: Reading, matcher: ConceptMatcher) -> bool:
    """A ``med_question`` phrase that is not the care team's plan ("the rheumy wants to start me on one")."""
    if "med_question" not in now.present:
        return False
    if "clinician_plan" not in now.present:
        return True
    _, _, matches = matcher.find(text, only=frozenset({"med_question", "clinician_plan"}))
    plans = [m for m in matches if m.concept == "clinician_plan"]
    return any(m.concept == "med_question" and not any(p.start <= m.start and m.end <= p.end for p in plans)
               for m in matches)


# A short question with no question word ("skip next one?", "both?", "take it now or wait till tonight?") asks for
# a decision; "does it stop working if you miss a dose?" opens with one and asks how things are, and "it's every
# other week, right?" checks a fact.
# After a comma too: "gp gave me 5 days of pred for my chest, feel great after 2, stop now?"; not when the sentence
# opened with a question word ("what is a steroid taper, in plain english?") or the part goes on asking ("…, or do
# some people do it twice a week?").
_QUESTION_WORD = (r"(?!\W*(?:(?:or|and|but|so)\s+)?(?:what|whats|what's|why|how|which|who|where|when|does|do|is|are|"
                  r"can|could|will|would|did|has|have|was|were|any)\b)")
_ELLIPTICAL_QUESTION = re.compile(rf"(?:^|[.!?]\s+|\n){_QUESTION_WORD}[^.!?\n]{{1,60}}(?<!\bright)\?", re.I)
_ELLIPTICAL_AFTER_COMMA = re.compile(rf"(?:^|[.!?]\s+|\n){_QUESTION_WORD}[^.!?\n]*,\s+{_QUESTION_WORD}"
                                     r"[^.!?\n,]{1,40}(?<!\bright)\?", re.I)


def _asks_without_question_words(text: str) -> bool:
    return bool(_ELLIPTICAL_QUESTION.search(text) or _ELLIPTICAL_AFTER_COMMA.search(text))


# a sentence (or a clause after a comma: "pharmacy student here, why are…") that asks why, or what one thing does
# to another ("can tramadol and sertraline together cause…")
_WHY = re.compile(r"(?:^|[.?!,]\s)\W*(?:why|how come)\b|\b(?:cause|causes|lead to|leads to|interact|interacts)\b|"
                  # how a thing works: "how does the combined pill actually stop you getting pregnant" (not "how do i")
                  r"\bhow (?:does|do|did) (?:the|a|an|it|they|that|this|these|those)\b", re.I)


_BEFORE_STARTING = r"\bbefore (?:i|we|he|she|they|my|our) (?:\w+ )?(?:start|starts|begin|begins|go on|goes on)\b"
# Asking for a reason, or for the effects to watch for: "why is iron so dangerous for kids", "what side effects
# should we keep an eye out for with the azathioprine"
_ASKS_WHY = re.compile(r"(?:^|[.?!,]\s*)\W*(?:why|how come)\b|\b(?:tell me|explain|know|wondering|understand|but|and so) why\b|"
                       r"\b(?:what|which) (?:side effects|side-effects|signs|symptoms|warning signs|problems|risks)\b|"
                       # what to ask the care team: "what questions should i ask about starting humira"
                       r"\b(?:what|which) (?:questions? )?(?:should|do|can|could|shall) (?:i|we) ask\b|\bquestions? to ask\b|"
                       r"\bwhat to ask\b|"
                       # how one medicine differs from another: "my rheumatologist switched me from methotrexate to
                       # leflunomide last week. How is leflunomide different?" (safety-dev-21)
                       r"\bhow (?:is|are|does|do) [^.?!,]{1,40}\b(?:different|differ|compare)\b|"
                       r"\bwhat(?:.s|s| is) the difference\b|\bdifference between\b|"
                       # what to watch for, or what it does, before starting: "is isotretinoin really linked to
                       # suicide? my son's about to start it and i want to know what to watch for"
                       r"\bwhat to (?:watch|look|keep an eye) (?:out )?(?:for|on)\b|"
                       # what is normal on it: "about to start ferrous sulfate and want to know whats normal"
                       r"\bwhat(?:.s|s| is) normal\b(?! (?:a |the )?(?:dose|dosage|amount|strength))|\bwhat to expect\b|"
                       r"\b(?:want|wanted|need|needed|like|d like) to know\b[^.?!]{0,30}" + _BEFORE_STARTING, re.I)
_KNOW_BEFORE = re.compile(_BEFORE_STARTING, re.I)
_ASKS_FOR_A_DECISION = re.compile(
    r"\b(?:should|shall|can|could|may|must|do|is it (?:ok|okay|safe|alright|fine) (?:for|if))\s(?:i|we|he|she|they|my|me|him|her)\b"
    r"(?:\s(?:just|still|now|also|then))?\s(?:take|stop|start|skip|miss|give|have|use|double|halve|split|crush|up|lower|raise|"
    r"increase|decrease|reduce|switch|change|come off|go off|continue|keep taking|drink|mix|combine|try|restart|move|delay|"
    r"be on|go on|get)\b", re.I)


# A change the writer makes or plans: "if i double my dose", "why cant i just double my prednisone today"
_OWN_CHANGE = re.compile(
    r"\b(?:i|we|he|she)\b(?:\s[\w']+){0,2}\s(?:stop|start|skip|miss|double|halve|split|crush|up|lower|raise|"
    r"increase|decrease|reduce|switch|change|come off|go off|restart|quit|drop|"
    r"(?:take|give) (?:two|2|three|3|extra|another|more|double|both|all|half))\b", re.I)


def asks_only_why(text: str) -> bool:
    """Does the message ask why something is so, what to watch for or what to ask, and ask no decision for itself
    ("should I take…", "can he stop…") nor speak of a change of its own ("…if i double my dose")?"""
    if not _ASKS_WHY.search(text) or _ASKS_FOR_A_DECISION.search(text):
        return False
    return not _OWN_CHANGE.search(_KNOW_BEFORE.sub(" ", text))  # "…before i start" plans no change of its own


_WHICH_ARE_OK = re.compile(r"\b(?:which|what)\s(?:\w+\s){0,3}(?:are|is)\s(?:ok|okay|safe|fine|alright|allowed)\b", re.I)


def _asks_about_a_combination(text: str, now: Reading) -> bool:
    """Is one medicine all right with another, or with a drink, a drug, a food, a vaccine or a pregnancy?"""
    if "combination_question" not in now.present or _WHY.search(text):
        return False  # "why can't methotrexate and trimethoprim be taken together" asks for a reason
    if not _SOMEONES_OWN_CASE.search(text) and (now.only_kinds_named or _WHICH_ARE_OK.search(text)):
        # "is it ok to eat grapefruit on immunosuppressants": a kind of medicine, no one's own case; "which
        # vaccines are ok while on ocrevus": a list asked for, no one's own case
        return False
    things = now.distinct_medicines + int("combined_with" in now.present or "pregnant" in now.present)
    if now.distinct_medicines <= 1 and any(_no_medicine_before(text, m.start(), now) for m in _GENERIC_MED.finditer(text)):
        things += 1  # "grapefruit juice with my tablets", "hayfever tablets ok with pregabalin"
    return things >= 2


def _no_medicine_before(text: str, at: int, now: Reading) -> bool:
    """The word before a generic "tablets"/"painkillers" is not itself a medicine ("opioid painkillers" is one)."""
    before = re.findall(r"[a-z]+", text[:at].lower())
    named = {name.lower() for name in now.medicines}
    return not before or not any(before[-1] == n or before[-1].rstrip("s") == n.rstrip("s") for n in named)


def names_a_medicine(text: str, now: Reading, earlier: Sequence[Reading], earlier_texts: Sequence[str] = ()) -> bool:
    """The message names a medicine (or a kind of medicine), or says "it"/"them", a bare dose ("im on 900 so can
    i take 1800 tonight") or "inject" after a message that did."""
    if now.medicines or _GENERIC_MED.search(text):
        return True
    return _points_back(text) and (any(r.medicines for r in earlier) or any(_GENERIC_MED.search(t) for t in earlier_texts))


def names_a_specific_medicine(text: str, now: Reading, earlier: Sequence[Reading]) -> bool:
    """A medicine by name, here or (through "it", a bare dose, "inject") in an earlier message; "the treatment" or
    "my meds" is not one."""
    return bool(now.medicines) or (_points_back(text) and any(r.medicines for r in earlier))


def _points_back(text: str) -> bool:
    """"it"/"them", a bare dose or "inject": the medicine is the one named before."""
    return bool(_PRONOUN.search(text) or _BARE_DOSE.search(text) or _USE_VERB.search(text))
