"""Is a found concept reported as happening? Clinical assertion with the ConText algorithm (medspaCy).

ConText decides, for each concept in a message, whether it is negated ("no chest pain"), historical ("had a
stroke years ago"), hypothetical ("what should I do if I ever…", "can prednisone cause…") or about someone
else ("my husband…" — still urgent for him, so it only changes the wording). medspaCy's bundled rules are
written for clinical notes; ``context.toml`` adds the ways patients write. A blank English pipeline is used:
no model is downloaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from citecare.safety.concepts import ConceptMatch, Token, normalise, phrase_words, says_phrase, tokenize
from citecare.safety.rules import ContextRuleSpec, DatingSentence

_SPAN_GROUP = "citecare_concepts"


@dataclass(frozen=True)
class Assertion:
    concept: str
    kind: str
    negated: bool = False
    historical: bool = False
    hypothetical: bool = False  # a condition: "if I ever…", "what would happen if…"
    informational: bool = False  # asked about: "can prednisone cause…", "what are the signs of…"
    someone_else: bool = False
    preparing: bool = False  # asked to be ready for it: "…a choking infant? just want to be prepared"

    @property
    def reported(self) -> bool:
        """Happening now (to the writer or someone with them)."""
        return not (self.negated or self.historical or self.hypothetical or self.informational or self.preparing)

    @property
    def in_view(self) -> bool:
        """Not denied, not past, not merely asked about: for self-harm, "if I took all my pills…" counts."""
        return not (self.negated or self.historical or self.informational)


@dataclass(frozen=True)
class _Terminator:
    """One terminating literal and the categories it ends: ``everywhere`` (TERMINATE: its own looking back, every
    category looking forward, as medspaCy does) and ``own_only`` (TERMINATE_OWN: only its own, either way)."""

    literal: str
    everywhere: frozenset[str]
    own_only: frozenset[str]

    @property
    def category(self) -> str:
        """The end category medspaCy sees (unique per literal: medspaCy keys rules by their literal)."""
        own = " ".join(f"ONLY {c}" for c in sorted(self.own_only))
        return " ".join(["END", *sorted(self.everywhere), own]).strip()

    def ends(self, category: str, direction: str) -> bool:
        if direction in ("FORWARD", "BIDIRECTIONAL"):
            return bool(self.everywhere) or category in self.own_only
        return direction == "BACKWARD" and category in self.everywhere | self.own_only


def _terminators(rules: Sequence[ContextRuleSpec]) -> list[_Terminator]:
    everywhere: dict[str, set[str]] = {}
    own_only: dict[str, set[str]] = {}
    for r in rules:
        if r.direction in ("TERMINATE", "TERMINATE_OWN"):
            everywhere.setdefault(r.literal, set())
            own_only.setdefault(r.literal, set())
            (own_only if r.direction == "TERMINATE_OWN" else everywhere)[r.literal].add(r.category)
    return [_Terminator(lit, frozenset(everywhere[lit]), frozenset(own_only[lit])) for lit in everywhere]


class AssertionModel:
    """A blank spaCy pipeline with medspaCy ConText; one per thread (spaCy objects are not shared)."""

    def __init__(self, rules: Sequence[ContextRuleSpec], typos: dict[str, str] | None = None,
                 dating: DatingSentence | None = None, preparing_question_words: Sequence[str] = ()) -> None:
        self._rules = tuple(rules)
        self._typos = dict(typos or {})
        self._local = threading.local()
        dating = dating or DatingSentence()
        self._dating_openings = tuple(phrase_words(o, self._typos) for o in dating.openings)
        self._dating_max_words = dating.max_words
        self._dating_past = tuple(phrase_words(p, self._typos) for p in dating.past)
        self._question_words = frozenset(w for q in preparing_question_words for w in phrase_words(q, self._typos))

    def _pipeline(self) -> tuple[Any, Any]:
        if not hasattr(self._local, "nlp"):
            import logging

            import spacy
            from medspacy.context import ConText, ConTextRule

            logging.getLogger("PyRuSH").setLevel(logging.WARNING)
            nlp = spacy.blank("en")
            context = ConText(nlp, rules="default", input_span_type="group", span_group_name=_SPAN_GROUP)
            # medspaCy lets a TERMINATE modifier end the scope of every category. A modifier that looks back over
            # what was said ("my toddler had a seizure, he is fine now") is ended only by its own category's
            # terminators: "my" and "now" start a new clause for "can steroids cause…" or "no fever…", not for
            # "…is fine now". So our terminators become modifiers that modify nothing (PSEUDO), in end categories
            # that every forward rule, and each backward rule of their own category, is terminated by.
            # medspaCy keys rules by their literal, so a word that ends several categories ("now") is one rule.
            # TERMINATE_OWN ends only its own category, looking either way ("no fever, should i skip…").
            terminators = _terminators(self._rules)

            def ended_by(category: str, direction: str) -> set[str]:
                return {t.category for t in terminators if t.ends(category, direction)}

            for rule in context.rules:
                rule.terminated_by = set(rule.terminated_by) | ended_by(rule.category, rule.direction)
            own = [r for r in self._rules if r.direction not in ("TERMINATE", "TERMINATE_OWN")]
            # Literals are matched on the same tokens as the concepts ("don't" stays one token).
            context.add([
                ConTextRule(f"{t.literal} ({t.category})", t.category, direction="PSEUDO", pattern=self._end_pattern(t))
                for t in terminators
            ] + [
                ConTextRule(r.literal, r.category, direction=r.direction, max_scope=r.max_scope,
                            pattern=list(r.pattern) if r.pattern else self._token_pattern(r.literal),
                            terminated_by=ended_by(r.category, r.direction),
                            allowed_types=set(r.concepts) if r.concepts else None)
                for r in own
            ])
            self._local.nlp, self._local.context = nlp, context
        return self._local.nlp, self._local.context

    def _end_pattern(self, terminator: _Terminator) -> list[dict[str, Any]]:
        pattern = self._token_pattern(terminator.literal)
        if not terminator.everywhere and pattern:
            # A TERMINATE_OWN clause opening ("…, should i…") ends a scope only mid-sentence; at the start of a
            # sentence it would overlap the question-opening modifier, and medspaCy keeps only the longer match.
            pattern = [{**pattern[0], "IS_SENT_START": False}, *pattern[1:]]
        return pattern

    def _token_pattern(self, literal: str) -> list[dict[str, Any]]:
        return [{"LOWER": t.text} for t in tokenize(normalise(literal, self._typos))]

    def _dates_the_last(self, tokens: Sequence[Token], start: int, matches: Sequence[ConceptMatch]) -> bool:
        """The sentence starting at ``start`` only says that the one before was long ago ("…i was barely breathing.
        that was 15 yrs ago."): short, opening with a dating phrase, with a past time, naming no concept of its own."""
        sentence = tokens[start].sentence
        words = [t.text for t in tokens[start:] if t.sentence == sentence]
        return (len(words) <= self._dating_max_words
                and any(tuple(words[: len(o)]) == o for o in self._dating_openings if o)
                and any(says_phrase(words, past) for past in self._dating_past)
                and not any(m.sentence == sentence for m in matches))

    def assess(self, tokens: Sequence[Token], matches: Sequence[ConceptMatch]) -> list[Assertion]:
        """One assertion per concept match, in the order given."""
        if not matches:
            return []
        from spacy.tokens import Doc, Span

        nlp, context = self._pipeline()
        sent_starts: list[bool | int | None] = [
            i == 0 or tokens[i].sentence != tokens[i - 1].sentence for i in range(len(tokens))
        ]
        # a sentence that only says the one before was long ago makes that one's concepts past
        dated = {tokens[i].sentence - 1 for i in range(1, len(tokens))
                 if tokens[i].sentence != tokens[i - 1].sentence and self._dates_the_last(tokens, i, matches)}
        doc = Doc(nlp.vocab, words=[t.text for t in tokens], sent_starts=sent_starts)
        # Labelled with their concept, for modifiers that apply to some concepts only ('concepts' in context.toml).
        doc.spans[_SPAN_GROUP] = [Span(doc, m.start, m.end, label=m.concept) for m in matches]
        context(doc)
        out = []
        for m, span in zip(matches, doc.spans[_SPAN_GROUP], strict=True):
            # A word inside one of the concept's own phrases ("not" in "i'm not around after this", "isn't" in
            # "isn't healing") is part of what is reported, not a modifier of it. Words between the terms of a
            # group match still modify it ("ankles aren't swollen").
            categories = {mod.category for mod in span._.modifiers
                          if not (m.phrase and m.start <= mod.modifier_span[0] and mod.modifier_span[1] <= m.end)}
            out.append(Assertion(
                m.concept,
                m.kind,
                negated="NEGATED_EXISTENCE" in categories,
                historical="HISTORICAL" in categories or m.sentence in dated,
                hypothetical="HYPOTHETICAL" in categories,
                informational="INFORMATIONAL" in categories,
                someone_else="FAMILY" in categories,
            ))
        prepared = self._preparation(tokens, doc, matches, out)
        return [replace(a, preparing=True) if prepared(m) else a for m, a in zip(matches, out, strict=True)]

    def _preparation(self, tokens: Sequence[Token], doc: Any, matches: Sequence[ConceptMatch],
                     assertions: Sequence[Assertion]) -> Callable[[ConceptMatch], bool]:
        """Which concepts are only prepared for: those that share words with a preparation phrase ("i want to be ready"
        asks nothing of its own), those of the sentence that says it, and those of a question with it in or next to
        it ("whats the right way to help a choking infant? just want to be prepared"). A symptom reported before the
        question makes neither its sentence nor the one next to it so: "my son is floppy, what should i watch for, want
        to be prepared", "just want to be prepared. my chest has been crushing all morning, what is it"."""
        spans = [mod.modifier_span for mod in doc._.context_graph.modifiers if mod.category == "PREPARATION"]
        said = {tokens[start].sentence for start, _ in spans}
        asks_from: dict[int, int] = {}  # sentence → where its question starts
        for i, t in enumerate(tokens):
            if t.text in self._question_words:
                asks_from.setdefault(t.sentence, i)

        def only_asks(sentence: int) -> bool:
            return not any(m.sentence == sentence and m.kind == "symptom" and a.reported
                           and m.start < asks_from.get(sentence, len(tokens)) for m, a in zip(matches, assertions, strict=True))

        framed = {s for s in said | set(asks_from) if only_asks(s) and any(p in said and only_asks(p)
                                                                           for p in (s - 1, s, s + 1))}
        return lambda m: m.sentence in framed or any(m.start < end and start < m.end for start, end in spans)
