"""The guard: what happens to a patient's message before any retrieval, in this order.

1. empty → ``invalid_input``;
2. **emergency** (call now) — rules (concepts + clinical context + risks, ``triage.py``) or the learned layer
   (``classifier.py``); checked on the first ``max_question_chars`` characters even when the message is too
   long, because emergencies win over everything. Self-harm always gets the crisis line;
3. too long or junk → ``invalid_input``;
4. **urgent** (contact your care team today) — rules or the learned layer;
5. a request for a personal medication decision → ``medical_advice`` (rules in ``advice.py`` or the learned
   layer), answered with a referral and general, dose-free information;
6. prompt injection stripped (never obeyed), language noted, off-topic → ``out_of_scope``;
7. anything else passes; when it reports a current symptom that matched no tier, ``safety_net`` is set and
   the answer opens with when to seek care.
The learned layer can raise an alarm the rules missed; it silences a rule only when it is near-certain that the
message only asks for information and no self-harm is in view. The patient's last few messages are read together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from citecare.config import Settings
from citecare.prompts import Messages
from citecare.safety.advice import (
    advice_reasons,
    asks_in_general,
    asks_only_why,
    names_a_medicine,
    names_a_specific_medicine,
)
from citecare.safety.classifier import ModelError, Prediction, TriageClassifier, load_classifier
from citecare.safety.guard_thresholds import (
    ASKED_ABOUT_SOMEONE_EMERGENCY,
    CRISIS_LINE_NEIGHBOURS,
    CRISIS_LINE_NEIGHBOURS_EMERGENCY,
    EMERGENCY_WITHOUT_HEALTH_WORDS,
    GIVES_CRISIS_LINE,
    INFORMATION_OVER_ADVICE,
    INFORMATION_OVER_RULES,
    OWN_PEOPLE,
    REQUEST_OVER_URGENT_MED_CHANGE,
    REQUEST_OVER_URGENT_URGENT,
    SHORT_FOLLOW_UP_WORDS,
)
from citecare.safety.message_shape import (
    PERSONAL,
    POINTS_BACK,
    QUESTION_OPENING,
    asks_after_a_lead_in,
    happening_with_someone,
)
from citecare.safety.output_policy import default_policy
from citecare.safety.rules import SafetyRules, load_rules, rules_classifier_messages
from citecare.safety.scope import ScopeChecks, clean_question, is_junk
from citecare.safety.triage import SELF_HARM_CONCEPTS, Reading, RuleTriage, TriageFinding
from citecare.types import AnswerKind
from citecare.vocab import Medicines, load_medicines

GUARD_KINDS: tuple[str, ...] = ("emergency", "urgent", "medical_advice", "out_of_scope", "invalid_input")
HISTORY_MESSAGES = 3  # the patient's own earlier messages read with the new one
Embed = Callable[[str], Sequence[float]]


def _reports_something(reading: Reading) -> bool:
    """Something is reported; words that only shape a question ("a shot", "ok together") are not a report."""
    reported = reading.reported
    return any(a.concept in reported and a.kind != "shape" for a in reading.assertions)


def _intends(now: Reading, earlier: Sequence[Reading], text: str) -> bool:
    """The message (or, for a short follow-up, the one before it) asks or plans something."""
    readings = [now] + (list(earlier[-1:]) if len(text.split()) <= SHORT_FOLLOW_UP_WORDS else [])
    return any(a.kind == "intent" for r in readings for a in r.assertions)


@dataclass(frozen=True)
class GuardResult:
    """What the guard decided about one message.

    ``reasons`` names what fired (``"emergency:chest_pain"``, ``"emergency:classifier"``); it may be non-empty
    when ``kind`` is None (``"injection:stripped"``). ``layers`` records each layer's own verdict, so evals can
    measure the rules and the learned layer apart.
    """

    kind: AnswerKind | None
    message: str
    question: str
    reasons: tuple[str, ...] = ()
    safety_net: bool = False
    layers: dict[str, Any] = field(default_factory=dict)


class Guard:
    """Built once (rules, vocabulary, model, the clinical-context pipeline) and shared by every request."""

    def __init__(
        self,
        settings: Settings,
        messages: Messages,
        rules: SafetyRules,
        medicines: Medicines,
        classifier: TriageClassifier | None = None,
        embed: Embed | None = None,
    ) -> None:
        self.settings = settings
        self.messages = messages
        self.rules = rules
        self.triage = RuleTriage(rules, medicines)
        assert rules.scope is not None
        self.scope = ScopeChecks(rules.scope, medicines)
        self.classifier = classifier
        self.embed = embed
        self.policy = default_policy()
        self._classifier_messages = rules_classifier_messages()

    @classmethod
    def create(cls, settings: Settings, messages: Messages, embed: Embed | None = None) -> Guard:
        """The shipped rules and vocabulary; the learned layer when an embedder is given."""
        classifier = None
        if embed is not None:
            try:
                classifier = load_classifier()
            except ModelError:
                classifier = None  # `citecare doctor` reports it; the rules still run
            if classifier is not None and len(embed("dimension check")) != classifier.dimension:
                classifier = None  # another embedding model: the learned layer does not apply to its vectors
        return cls(settings, messages, load_rules(), load_medicines(), classifier, embed)

    # --- the decision ------------------------------------------------------------------------------------
    def check(self, question: str, history: Sequence[str] = ()) -> GuardResult:
        """Classify one patient message; ``history`` is the patient's own earlier messages, oldest first."""
        s = self.settings
        text, too_long = clean_question(question or "", s.max_question_chars)
        if not text:
            return self._refuse("invalid_input", text, ("input:empty",))
        earlier = [h[: s.max_question_chars] for h in list(history)[-HISTORY_MESSAGES:]]
        finding = self.triage.assess(text, earlier)
        prediction = None if is_junk(text) else self._predict(text, earlier)
        layers: dict[str, Any] = {
            "rules": finding.tier,
            "rule_names": list(finding.rules),
            "classifier": {k: round(v, 4) for k, v in prediction.probabilities.items()} if prediction else None,
        }

        if self._information_over_rules(text, earlier, finding, prediction):
            finding = replace(finding, tier=None, message=None)
            layers["rules_overruled_as_information"] = True
        learned = self._learned_tier(prediction)
        if learned and too_long:
            learned = None  # trained on messages patients type; a pasted chart is outside what it has seen
        if learned and not self._health_context(text, earlier, prediction):
            learned = None  # "tell me a joke": nothing health-related for the learned layer to triage
        if learned and finding.tier is None and self._asks_on_a_topic(text, prediction) and not _reports_something(
                self.triage.read(text)) and not self._asks_about_someone(text, learned, prediction) and \
                not happening_with_someone(text):
            learned = None  # a question that reports nothing asks about a topic (the rules read it the same way)
        if learned and finding.tier is None and self.triage.read(text).nothing_for_a_person(bool(earlier)) and \
                self._vote(prediction, "emergency", "") != "emergency_self_harm":
            learned = None  # "thank god he doesnt have any of those"; "the vet checked him over": no one here at risk
        layers["classifier_tier"] = learned
        layers["classifier_advice"] = self._learned_advice(prediction) and self._health_context(
            text, earlier, prediction)
        if learned == "emergency" and finding.tier is None and self._rather_a_request(text, earlier, prediction):
            routed = self._below_urgent(text, earlier, finding, dict(layers))
            if routed.kind == "medical_advice":
                layers["classifier_tier"] = None
                return replace(routed, reasons=routed.reasons + ("emergency:classifier_read_as_request",),
                               layers=layers)
        if finding.tier == "emergency" or learned == "emergency":
            template, reasons = self._emergency(text, finding, prediction)
            result = GuardResult("emergency", self.messages.render(template), text, reasons, layers=layers)
            if template in GIVES_CRISIS_LINE:
                return result
            if finding.tier != "emergency" and template == "emergency_general":
                # An emergency only the learned layer saw, and no example could name, is most often self-harm said
                # indirectly ("ill do it myself 🙃… ive started looking up methods"): the number costs a patient
                # it does not concern one line. Chest pain the rules name keeps its message as it is.
                return self._with_crisis_line(result, prediction, 0, "emergency:crisis_line_unnamed")
            # "i have cut my wrist" got the bleeding message: close self-harm examples add the crisis line
            return self._with_crisis_line(result, prediction, CRISIS_LINE_NEIGHBOURS_EMERGENCY,
                                          "emergency:crisis_line_added")
        if too_long:
            return self._refuse("invalid_input", text, ("input:too_long",), layers)
        if is_junk(text):
            return self._refuse("invalid_input", text, ("input:junk",), layers)
        if learned == "urgent" and finding.tier != "urgent" and not finding.reported_symptoms:
            learned = None  # urgent means something is happening now: the rules must see a reported symptom
            layers["classifier_tier"] = None
        if finding.tier == "urgent" and learned is None and self._clearly_a_request(prediction):
            routed = self._below_urgent(text, earlier, finding, dict(layers))
            if routed.kind == "medical_advice":  # the care team's guidance for what the rules found comes first
                urgent = self.messages.render(finding.message or "urgent_general")
                return self._with_crisis_line(replace(routed, message=f"{urgent}\n\n{routed.message}", reasons=(
                    *routed.reasons, *(f"urgent:{r}" for r in finding.rules), "urgent:read_as_request")), prediction)
        if finding.tier == "urgent" or learned == "urgent":
            template = finding.message if finding.tier == "urgent" and finding.message else self._vote(
                prediction, "urgent", "urgent_general")
            if finding.tier != "urgent" and not self._reports(template, finding.reported_symptoms):
                template = "urgent_general"  # the infection advice only for a message that reports an infection sign
            reasons = tuple(f"urgent:{r}" for r in finding.rules) or ("urgent:classifier",)
            return self._with_crisis_line(
                GuardResult("urgent", self.messages.render(template), text, reasons, layers=layers), prediction)
        return self._with_crisis_line(self._below_urgent(text, earlier, finding, layers), prediction)

    def _below_urgent(self, text: str, earlier: Sequence[str], finding: TriageFinding,
                      layers: dict[str, Any]) -> GuardResult:
        """A message no tier fired on: a medication-change referral, out of scope, the safety net, or an answer."""

        injected = self.scope.injected(text)
        cleaned = self.scope.strip_injection(text) if injected else text
        notes: tuple[str, ...] = ("injection:stripped",) if injected else ()
        now = self.triage.read(cleaned)
        earlier_readings = [self.triage.read(h) for h in earlier]
        advice = advice_reasons(cleaned, now, earlier_readings, self.triage.matcher, self.policy)
        if (layers.get("classifier") or {}).get("info", 0.0) >= INFORMATION_OVER_ADVICE:
            advice = ()  # the learned layer is near-certain it asks for facts
        layers["advice_rules"] = bool(advice)
        # The learned layer routes a message only when it asks or plans something ("methotrexate for chronic
        # pain?" is a topic, not a request to change a medicine).
        # ... and only about a medicine ("should i just stay in bed till my back pain goes" names none).
        learned_advice = (layers["classifier_advice"] and _intends(now, earlier_readings, cleaned)
                          and not asks_in_general(cleaned, now) and not asks_only_why(cleaned)
                          and names_a_medicine(cleaned, now, earlier_readings, earlier))
        if advice or learned_advice:
            reasons = notes + (tuple(f"medical_advice:{r}" for r in advice) or ("medical_advice:classifier",))
            return GuardResult("medical_advice", self.messages.render("medical_advice"), cleaned, reasons,
                               layers=layers)

        if not self.scope.is_probably_english(text):
            return GuardResult(None, "", cleaned, notes + ("language:probably_not_english",), layers=layers)
        medical = self.scope.looks_medical(cleaned)
        # "is beer gonna make it worse" after a gout attack asks about the gout: a follow-up that points back to a
        # health conversation is read in it, whatever everyday word it has.
        follow_up = (not medical and bool(earlier) and bool(POINTS_BACK.search(cleaned))
                     and any(self.scope.looks_medical(h) for h in earlier))
        scope = self.scope.out_of_scope_reason(cleaned, medical or follow_up, injected)
        if scope:
            return self._refuse("out_of_scope", cleaned, notes + (scope,), layers)
        if not medical and earlier and any(self.scope.looks_medical(h) for h in earlier):
            notes += ("scope:follow_up",)
        if finding.reported_symptoms and PERSONAL.search(cleaned):
            return GuardResult(None, self.messages.render("safety_net"), cleaned,
                               notes + tuple(f"symptom:{c}" for c in finding.reported_symptoms),
                               safety_net=True, layers=layers)
        return GuardResult(None, "", cleaned, notes, layers=layers)

    # --- layers ------------------------------------------------------------------------------------------
    def _predict(self, text: str, earlier: Sequence[str]) -> Prediction | None:
        if self.classifier is None or self.embed is None:
            return None
        prediction = self.classifier.predict(self.embed(text), text)
        if earlier and len(text.split()) <= SHORT_FOLLOW_UP_WORDS:
            # A short follow-up often only makes sense with the message before it.
            together = f"{earlier[-1]} {text}"
            joined = self.classifier.predict(self.embed(together), together)
            probabilities = {k: max(v, joined.p(k)) if k in ("emergency", "urgent") else v
                             for k, v in prediction.probabilities.items()}
            prediction = Prediction(probabilities, prediction.neighbours + joined.neighbours)
        return prediction

    def _learned_tier(self, prediction: Prediction | None) -> str | None:
        if prediction is None or self.classifier is None:
            return None
        if prediction.p("emergency") >= self.classifier.threshold("emergency"):
            return "emergency"
        if prediction.p("urgent") >= self.classifier.threshold("urgent"):
            return "urgent"
        return None

    def _information_over_rules(self, text: str, earlier: Sequence[str], finding: TriageFinding,
                                prediction: Prediction | None) -> bool:
        if finding.tier is None or prediction is None or prediction.p("info") < INFORMATION_OVER_RULES:
            return False
        if finding.message == "emergency_self_harm" or self._self_harm_neighbours(prediction) or \
                {a.concept for a in self.triage.read(text).assertions} & SELF_HARM_CONCEPTS:
            return False
        # "ok what do i do now" after "he collapsed": the alarm came from before, which this reading does not see
        return not earlier or self.triage.assess(text, []).tier == finding.tier

    def _health_context(self, text: str, earlier: Sequence[str], prediction: Prediction | None) -> bool:
        """The learned layer may raise a tier on health-related messages, or when self-harm is in view. A symptom
        the rules found counts, asked about or not, unless denied ("this paperwork is killing me" is a figure of
        speech): "can you tell me why my son is floppy and wont wake up" has no word of the medical vocabulary; nor has
        "the guy next to me on the train just went grey and slumped over", which happens with the writer now. So does a
        reading near-certain of an emergency: "husband suddenly cant get his words out and his face looks odd"."""
        if self.scope.looks_medical(text) or any(self.scope.looks_medical(h) for h in earlier) or happening_with_someone(text):
            return True
        if any(a.kind == "symptom" and not a.negated for a in self.triage.read(text).assertions):
            return True
        return self._vote(prediction, "emergency", "") == "emergency_self_harm" or (
            prediction is not None and prediction.p("emergency") >= EMERGENCY_WITHOUT_HEALTH_WORDS)

    def _asks_on_a_topic(self, text: str, prediction: Prediction | None) -> bool:
        """It opens as a question, or asks one after a lead-in with no self-harm in view (not "wrote my goodbye texts…")."""
        if QUESTION_OPENING.match(text):
            return True
        return asks_after_a_lead_in(text) and self._self_harm_neighbours(prediction) == 0 and \
            self._vote(prediction, "emergency", "") != "emergency_self_harm"

    def _asks_about_someone(self, text: str, learned: str, prediction: Prediction | None) -> bool:
        """A question about one's own husband, child or baby that the learned layer reads as an emergency is about
        them, not a topic: "why is my husband having crushing chest pain and sweating" (the question's scope runs
        over the whole sentence in the rules' reading)."""
        people = {a.concept for a in self.triage.read(text).assertions if not a.preparing} & OWN_PEOPLE
        return bool(people) and learned == "emergency" and prediction is not None and \
            prediction.p("emergency") >= ASKED_ABOUT_SOMEONE_EMERGENCY

    def _rather_a_request(self, text: str, earlier: Sequence[str], prediction: Prediction | None) -> bool:
        """The learned layer's own reading is at least as much a medication request as an emergency, a medicine is
        named and no self-harm is in view: "celebrex isnt touching the pain today, think ill double up just this
        once". ("no. i dont want to do any of this anymore. not the treatment" names none: it stays an emergency.)"""
        if prediction is None or prediction.p("med_change") < prediction.p("emergency"):
            return False
        if earlier and self.triage.assess(earlier[-1], earlier[:-1]).tier == "emergency":
            return False  # "should i just take a piriton" right after a tight throat from a sting: still an emergency
        now = self.triage.read(text)
        if not names_a_specific_medicine(text, now, [self.triage.read(h) for h in earlier]):
            return False
        mentioned = {a.concept for a in now.assertions}
        return (not mentioned & SELF_HARM_CONCEPTS and self._vote(prediction, "emergency", "") != "emergency_self_harm"
                and self._self_harm_neighbours(prediction) == 0)

    def _clearly_a_request(self, prediction: Prediction | None) -> bool:
        """The learned layer reads a medication request and nothing urgent: "had covid last week so i stopped my mtx.
        testing negative now, ok to start again this sunday?" is a question for the prescriber, which the rules'
        urgent reading (an infection on an immune-suppressing medicine) answered with "contact your care team"."""
        return prediction is not None and prediction.p("med_change") >= REQUEST_OVER_URGENT_MED_CHANGE and \
            prediction.p("urgent") < REQUEST_OVER_URGENT_URGENT

    def _learned_advice(self, prediction: Prediction | None) -> bool:
        return bool(prediction and self.classifier
                    and prediction.p("med_change") >= self.classifier.threshold("med_change"))

    def _emergency(
        self, text: str, finding: TriageFinding, prediction: Prediction | None
    ) -> tuple[str, tuple[str, ...]]:
        reasons = tuple(f"emergency:{r}" for r in finding.rules if finding.tier == "emergency")
        if not reasons:
            reasons = ("emergency:classifier",)
        mentioned = {a.concept for a in self.triage.read(text).assertions}
        vote = self._vote(prediction, "emergency", "emergency_general")
        if finding.tier == "emergency" and finding.message in GIVES_CRISIS_LINE and not mentioned & SELF_HARM_CONCEPTS:
            # The rules read an overdose: its message has Poison Control and the crisis line, for whatever the
            # nearest examples say ("i swallowed the whole packet of my tramadol" is near deliberate overdoses).
            return finding.message, reasons
        if mentioned & SELF_HARM_CONCEPTS or vote == "emergency_self_harm":
            return "emergency_self_harm", reasons  # the crisis line, always, whenever self-harm is in view
        if finding.tier == "emergency" and finding.message:
            return finding.message, reasons
        return vote, reasons

    def _with_crisis_line(self, result: GuardResult, prediction: Prediction | None,
                          at_least: int = CRISIS_LINE_NEIGHBOURS,
                          reason: str = "crisis_line:self_harm_nearby") -> GuardResult:
        """A message most like the self-harm examples gets the crisis line, whatever its tier: "if I stop all my
        meds and just go to sleep, will it be peaceful?" is routed as a medication question, and a patient who
        meant more must not miss the number."""
        if result.kind in ("invalid_input", "out_of_scope") or self._self_harm_neighbours(prediction) < at_least:
            return result
        note = self.messages.render("crisis_line_note")
        message = f"{result.message}\n\n{note}" if result.message else note
        return replace(result, message=message, reasons=result.reasons + (reason,),
                       safety_net=result.safety_net or result.kind is None)

    def _self_harm_neighbours(self, prediction: Prediction | None) -> int:
        """How many of the nearest emergency training messages are about self-harm (by their concept)."""
        if prediction is None:
            return 0
        keys = self._classifier_messages.get("emergency_self_harm", ())
        return sum(label == "emergency" and any(k in concept for k in keys) for label, concept, _ in prediction.neighbours)

    def _reports(self, template: str, symptoms: Sequence[str]) -> bool:
        """Whether a reported symptom is one the specific ``template`` is about (the general ones always fit)."""
        keys = self._classifier_messages.get(template)
        return keys is None or template.endswith("_general") or any(k in c for c in symptoms for k in keys)

    def _vote(self, prediction: Prediction | None, label: str, default: str) -> str:
        """The message most of the nearest training messages of ``label`` call for (by their concept)."""
        if prediction is None:
            return default
        votes: dict[str, int] = {}
        for neighbour_label, concept, _ in prediction.neighbours:
            if neighbour_label != label:
                continue
            template = next((t for t, keys in self._classifier_messages.items()
                             if t.startswith(label) and any(k in concept for k in keys)), default)
            votes[template] = votes.get(template, 0) + 1
        return max(votes, key=lambda t: votes[t]) if votes else default

    def _refuse(self, kind: AnswerKind, text: str, reasons: tuple[str, ...],
                layers: dict[str, Any] | None = None) -> GuardResult:
        return GuardResult(kind, self.messages.render(kind), text, reasons, layers=layers or {})
