"""The rule layer of triage: reported concepts + who they happen to (risks) → emergency or urgent.

Concepts come from ``concepts.py``, their assertion (negated, past, hypothetical) from ``assertion.py``, the
rules and risks from ``triage.toml``, medicines from the one vocabulary. The patient's earlier messages add
facts (a medicine named two turns ago still counts) and may complete a picture the last message only finishes
("I take it every morning" after a methotrexate question).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from citecare.safety.assertion import Assertion, AssertionModel
from citecare.safety.concepts import ConceptMatcher, phrase_words, says_phrase
from citecare.safety.drug_names import DrugNames, drug_names
from citecare.safety.rules import SafetyRules, TriageRule
from citecare.vocab import Medicines, Mention

TIER_ORDER = {"emergency": 2, "urgent": 1}
POINTS_BACK = "points_back_to_signs"  # "my wife has the arm one right now" after "what are the signs of a stroke"
# Concepts that put self-harm in view (the guard never lets the learned layer overrule them), and with despair, the
# words that keep any "nothing for a person here" reading away.
SELF_HARM_CONCEPTS = frozenset({"suicidal", "self_injury", "stockpiling", "lethality_question", "jumping_means",
                                "reunion_wish"})
SELF_HARM_WORDS = SELF_HARM_CONCEPTS | {"despair"}
SELF_HARM_MESSAGE = "emergency_self_harm"
IT_HAPPENED = "it_happened"  # "is it bad if a child swallowed a button battery? my son just did"
HAPPENING_AGAIN = "happening_again"  # "had a seizure last month, now having another one right now"


@dataclass(frozen=True)
class Reading:
    """What one text says: concepts with their assertion, and medicines named."""

    assertions: tuple[Assertion, ...] = ()
    medicines: frozenset[str] = frozenset()  # canonical names and class names mentioned
    immunosuppressive: bool = False
    conditional_counts: frozenset[str] = frozenset()  # concepts a condition does not clear (self-harm)
    asked_counts: frozenset[str] = frozenset()  # concepts that count even when asked about (lethality questions)
    distinct_medicines: int = 0  # different medicines and kinds of medicine named ("mtx and ibuprofen" → 2)
    only_kinds_named: bool = False  # every medicine named is a kind ("immunosuppressants"), none a medicine

    @property
    def reported(self) -> frozenset[str]:
        return frozenset(a.concept for a in self.assertions
                         if a.reported or (a.concept in self.conditional_counts and a.in_view)
                         or (a.concept in self.asked_counts and not (a.negated or a.historical)))

    @property
    def present(self) -> frozenset[str]:
        """Concepts mentioned and not negated (risks: 'on methotrexate since 2019' still counts)."""
        return frozenset(a.concept for a in self.assertions if not a.negated)

    def nothing_for_a_person(self, after_earlier_messages: bool) -> bool:
        """Signs denied after asking about them ("thank god he doesnt have any of those"), or an animal in a vet's
        care ("vet checked him over and says hes fine"); never with self-harm words
        ("since the vet put my cat down i dont see the point in anything anymore" still counts)."""
        concepts = {a.concept for a in self.assertions}
        if concepts & SELF_HARM_WORDS:
            return False
        if "animal_with_the_vet" in concepts:  # the symptoms are the animal's; a person's, the rules read
            return True
        denied = any(a.concept == POINTS_BACK and a.negated for a in self.assertions)
        return denied and after_earlier_messages and not any(a.reported and a.kind == "symptom" for a in self.assertions)

    @property
    def someone_else(self) -> bool:
        return any(a.someone_else for a in self.assertions if a.reported)


@dataclass(frozen=True)
class TriageFinding:
    tier: str | None = None  # "emergency", "urgent" or None
    message: str | None = None  # the message template of the first rule that set the tier
    rules: tuple[str, ...] = ()  # every rule that fired, highest tier first
    reported_symptoms: tuple[str, ...] = ()
    someone_else: bool = False
    facts: dict[str, bool] = field(default_factory=dict)


def _again(assertions: Sequence[Assertion]) -> tuple[Assertion, ...]:
    """Past symptoms as current: the message says the event is happening again now (denied ones stay denied)."""
    return tuple(replace(a, historical=False) if a.kind == "symptom" and a.historical and not a.negated else a
                 for a in assertions)


def _as_reported(assertions: Sequence[Assertion], kinds: tuple[str, ...], keep_others: bool) -> tuple[Assertion, ...]:
    """The assertions of ``kinds`` that were only asked about or supposed, as reported (denied or past ones stay
    out); the others as they are, or left out."""
    out = []
    for a in assertions:
        if a.kind in kinds and not (a.negated or a.historical):
            out.append(replace(a, informational=False, hypothetical=False, preparing=False))
        elif keep_others:
            out.append(a)
    return tuple(out)


class RuleTriage:
    def __init__(self, rules: SafetyRules, medicines: Medicines, other_medicines: DrugNames | None = None) -> None:
        self.rules = rules
        self.medicines = medicines
        self.other_medicines = other_medicines if other_medicines is not None else drug_names()
        self.matcher = ConceptMatcher(rules)
        self.assertion = AssertionModel(rules.context, rules.typos, rules.dating, rules.preparing_question_words)
        self._conditional = frozenset(c.name for c in rules.concepts.values() if c.conditional_counts)
        self._asked = frozenset(c.name for c in rules.concepts.values() if c.asked_counts)
        self._settled_phrases = tuple(phrase_words(p, rules.typos) for p in rules.settled_after_self_harm)
        # One message is read several times per question (rules, learned-layer gates, advice, the next turns'
        # history); a Reading is immutable and depends on the text alone, so each text is read once.
        self._cached_read = lru_cache(maxsize=512)(self._read)

    def read(self, text: str) -> Reading:
        """Concepts in ``text`` with their clinical context, and the medicines it names."""
        return self._cached_read(text)

    def _read(self, text: str) -> Reading:
        norm, tokens, matches = self.matcher.find(text)
        assertions = tuple(self.assertion.assess(tokens, matches))
        mentions = self.medicines.mentions(text)
        names = {m.name for m in mentions}
        for m in mentions:
            if not m.is_class:
                med = self.medicines.medicine(m.name)
                names.update(med.classes if med else ())
        others = self.other_medicines.find(text)
        # names the vocabulary already read ("immunosuppressants" is a kind in both lists) are not counted twice
        others_new = tuple(n for n in others if not any(n in m.surface or m.surface in n for m in mentions))
        if not names:  # "can he take 2 lithium tomorrow": a medicine the sources never discuss is still one
            names.update(others)
        return Reading(assertions, frozenset(names), any(self.medicines.immunosuppressive(m) for m in mentions),
                       self._conditional, self._asked, self._count_distinct(mentions, others_new),
                       bool(mentions) and all(m.is_class for m in mentions) and not others_new)

    def _count_distinct(self, mentions: Sequence[Mention], others: Sequence[str]) -> int:
        """Medicines named, each once whatever the name ("metoject" and "methotrexate" are one)."""
        canonical = self.other_medicines.names
        # words next to each other name one thing ("opioid painkillers", "steroid cream")
        single = [m for i, m in enumerate(mentions) if i == 0 or m.start > mentions[i - 1].end + 1]
        seen = {canonical.get(m.name.lower(), m.name.lower()) for m in single}
        seen.update(canonical.get(name, name) for name in others)
        return len(seen)

    def assess(self, text: str, history: Sequence[str] = ()) -> TriageFinding:
        """Rules over the message, with facts from the patient's earlier messages (oldest first)."""
        now = self._happening_now(self.read(text))
        earlier = [self.read(h) for h in history]
        fired = self._fired(now, [now, *earlier])
        if earlier:
            # The last messages read together can show what the last one alone does not.
            joined = self.read(" . ".join([*history[-2:], text]))
            if HAPPENING_AGAIN in now.reported:  # (not "my friend did": that says what an earlier question described)
                joined = replace(joined, assertions=_again(joined.assertions))
            before = self._fired(self.read(" . ".join(history[-2:])), earlier) if history else []
            # the new message may bring the risk ("...measles" then "im on humira"): an immunosuppressant counts
            concepts_now = now.present | now.medicines | ({"immunosuppressive"} if now.immunosuppressive else set())
            for rule in self._fired(joined, [joined, *earlier]):
                if rule in fired or rule in before:
                    continue
                if HAPPENING_AGAIN in now.reported or concepts_now & self._references(rule):
                    fired.append(rule)
        if history and not self._settled(text):
            # Right after a message about self-harm, the next one is read in its light: "she says shes fine now and to
            # leave her alone. can i just go to bed?" after "my sister says shes going to take all her pills tonight"
            # (safety-dev-26) is still that emergency, and the crisis line stays.
            last = self._fired(self._happening_now(earlier[-1]), earlier)
            fired.extend(r for r in last if r.message == SELF_HARM_MESSAGE and r not in fired)
        if earlier and POINTS_BACK in now.reported:
            recalled = self._recalled(now, earlier[-2:])
            fired.extend(rule for rule in self._fired(recalled, [recalled, *earlier]) if rule not in fired)
        fired.sort(key=lambda r: -TIER_ORDER[r.tier])
        symptoms = tuple(sorted(a.concept for a in now.assertions if a.reported and a.kind == "symptom"))
        if not fired:
            return TriageFinding(reported_symptoms=symptoms, someone_else=now.someone_else)
        top = fired[0]
        return TriageFinding(top.tier, top.message, tuple(r.name for r in fired), symptoms, now.someone_else)

    def _settled(self, text: str) -> bool:
        """The message says help has come or that self-harm words before meant something else (``context.toml``)."""
        words = phrase_words(text, self.rules.typos)
        return any(says_phrase(words, phrase) for phrase in self._settled_phrases)

    @staticmethod
    def _happening_now(reading: Reading) -> Reading:
        """What the message says is happening: the event a question described when "my son just did", and a past
        event when "now having another one"."""
        if IT_HAPPENED in reading.reported:  # the event the question described, taking a medicine included
            reading = replace(reading, assertions=_as_reported(reading.assertions, ("symptom", "cue"), keep_others=True))
        if HAPPENING_AGAIN in reading.reported:
            reading = replace(reading, assertions=_again(reading.assertions))
        return reading

    @staticmethod
    def _recalled(now: Reading, earlier: Sequence[Reading]) -> Reading:
        """The message with the signs the earlier messages asked about, now reported ("has those right now")."""
        signs = _as_reported([a for r in earlier for a in r.assertions], ("symptom",), keep_others=False)
        return replace(now, assertions=now.assertions + signs)

    def _fired(self, reading: Reading, context: Sequence[Reading]) -> list[TriageRule]:
        reported = reading.reported
        out = []
        for rule in self.rules.triage:
            if not all(c in reported for c in rule.all):
                continue
            if rule.any and not any(c in reported for c in rule.any):
                continue
            if rule.risk and not any(self._risk(r, context) for r in rule.risk):
                continue
            out.append(rule)
        return out

    def _references(self, rule: TriageRule) -> set[str]:
        """Every concept and medicine a rule depends on, risks expanded."""
        out = set(rule.all) | set(rule.any)
        todo = list(rule.risk)
        while todo:
            name = todo.pop()
            if name in self.rules.risks:
                todo.extend(self.rules.risks[name])
            else:
                out.add(name.split(":", 1)[1] if ":" in name else name)
        return out

    def _risk(self, name: str, context: Sequence[Reading], depth: int = 0) -> bool:
        if depth > 5:
            return False
        if name == "class:immunosuppressive":
            return any(r.immunosuppressive for r in context)
        if name.startswith(("class:", "medicine:")):
            target = name.split(":", 1)[1]
            return any(target in r.medicines for r in context)
        if name in self.rules.risks:
            return any(self._risk(part, context, depth + 1) for part in self.rules.risks[name])
        return any(name in r.present for r in context)


