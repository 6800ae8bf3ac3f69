"""Load and validate the reviewed safety data in ``citecare/data/safety/*.toml``.

Every file names its reviewer and review date. Every rule carries ``fires`` and ``passes`` examples that the
tests run. Regular expressions must be bounded (no ``*``, ``+`` or ``{n,}``) so matching stays linear-time
on hostile input; an unbounded one is refused at load, as is an unknown field or a reference to an unknown
concept.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from citecare.errors import CiteCareError
from citecare.vocab import string_list

SAFETY_DATA = Path(__file__).resolve().parents[1] / "data" / "safety"
TIERS = ("emergency", "urgent")
CONCEPT_KINDS = ("symptom", "risk", "cue", "intent", "shape")
# Things that are not concepts but may be required by a rule: vocabulary facts about medicines mentioned.
MEDICINE_PREFIXES = ("class:", "medicine:")


class RulesError(CiteCareError):
    """A safety data file is malformed; the app refuses to start rather than run with broken rules."""


@dataclass(frozen=True)
class ConceptSpec:
    name: str
    kind: str
    phrases: tuple[str, ...] = ()
    groups: tuple[tuple[str, ...], ...] = ()
    window: int = 5
    regex: tuple[re.Pattern[str], ...] = ()
    exact: bool = False  # match words as written (after typo fixes), not by stem
    conditional_counts: bool = False  # "if I took all my pills…" is still reported (self-harm)
    asked_counts: bool = False  # asking is the signal: "how many would be lethal" (self-harm method questions)
    # phrases matched as written, where the stem would also match another word: "injecting" (misuse), not
    # "injection" (a medicine's form); "fainted" (an event), not "i faint at the sight of needles" (a trait)
    exact_phrases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TriageRule:
    """A tier when every concept in ``all`` and one in ``any`` are reported, and a risk in ``risk`` holds."""

    name: str
    tier: str
    message: str
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    risk: tuple[str, ...] = ()
    fires: tuple[str, ...] = ()
    passes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContextRuleSpec:
    """A ConText modifier: a phrase that negates, dates, hypothesises or attributes what follows/precedes it."""

    literal: str
    category: str
    direction: str = "FORWARD"
    max_scope: int | None = None
    pattern: tuple[dict[str, Any], ...] | None = None
    concepts: frozenset[str] | None = None  # only these concepts are modified (None: every concept)


@dataclass(frozen=True)
class ScopeData:
    """Word lists and bounded patterns for input, scope and language checks (scope.toml)."""

    injection: tuple[re.Pattern[str], ...]
    creative_task: tuple[re.Pattern[str], ...]
    off_topic_task: tuple[re.Pattern[str], ...]
    chit_chat: tuple[re.Pattern[str], ...]
    source_addressed_to_ai: tuple[re.Pattern[str], ...]
    off_topic_words: frozenset[str]
    medical_words: frozenset[str]
    english_words: frozenset[str]
    foreign_words: frozenset[str]


@dataclass(frozen=True)
class DatingSentence:
    """A short sentence that only dates what came before ("that was 15 yrs ago") is read as part of it."""
    openings: tuple[str, ...] = ()
    max_words: int = 0
    past: tuple[str, ...] = ()  # words that say it was long ago ("years ago", "back in")


@dataclass(frozen=True)
class SafetyRules:
    concepts: dict[str, ConceptSpec]
    risks: dict[str, tuple[str, ...]]
    triage: tuple[TriageRule, ...]
    context: tuple[ContextRuleSpec, ...]
    typos: dict[str, str] = field(default_factory=dict)
    scope: ScopeData | None = None
    dating: DatingSentence = field(default_factory=DatingSentence)
    settled_after_self_harm: tuple[str, ...] = ()  # help has come, or the words meant something else
    # a sentence next to one that says the message prepares for what might happen is a question when it has one of these
    preparing_question_words: tuple[str, ...] = ()


_UNBOUNDED = re.compile(r"(?<!\\)[*+]|\{\d+,\}")


def compile_bounded(pattern: str, where: str) -> re.Pattern[str]:
    """Compile a regex, refusing unbounded repetition (the work per character must stay constant)."""
    if _UNBOUNDED.search(pattern.replace("\\\\", "")):
        raise RulesError(f"{where}: regex {pattern!r} has unbounded repetition; use {{m,n}}")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RulesError(f"{where}: regex {pattern!r} is invalid: {exc}") from exc


def _read(name: str, folder: Path) -> dict[str, Any]:
    path = folder / name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read safety data {path}: {exc}") from exc
    for key in ("reviewer", "reviewed"):
        if not str(data.get(key, "")).strip():
            raise RulesError(f"{name}: '{key}' is required (who reviewed these rules, and when)")
    return data


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    return string_list(entry, key, where, RulesError)


def _check_fields(entry: dict[str, Any], allowed: set[str], where: str) -> None:
    if unknown := set(entry) - allowed:
        raise RulesError(f"{where}: unknown fields {sorted(unknown)}")


_WORD_LIST = re.compile(r"\{([a-z_]+)\}")


def _word_lists(data: dict[str, Any], origin: str) -> dict[str, str]:
    """The named word lists of ``[words]``, each as a regex alternation for ``{name}`` in a concept's regex (one
    reviewed list of the words for a person, instead of a copy in every pattern that needs one)."""
    raw = data.get("words", {})
    if not isinstance(raw, dict):
        raise RulesError(f"{origin}: 'words' must be a table of word lists")
    return {name: "|".join(re.escape(w) for w in _strings(raw, name, f"{origin}: words.{name}")) for name in raw}


def _with_word_lists(pattern: str, lists: dict[str, str], where: str) -> str:
    def expand(m: re.Match[str]) -> str:
        if m.group(1) not in lists:
            raise RulesError(f"{where}: regex names an unknown word list {{{m.group(1)}}}")
        return lists[m.group(1)]
    return _WORD_LIST.sub(expand, pattern)


def parse_concepts(data: dict[str, Any], origin: str = "concepts.toml") -> dict[str, ConceptSpec]:
    concepts: dict[str, ConceptSpec] = {}
    lists = _word_lists(data, origin)
    for i, raw in enumerate(data.get("concept", [])):
        where = f"{origin}: concept #{i + 1} ({raw.get('name', '?')})"
        _check_fields(raw, {"name", "kind", "phrases", "groups", "window", "regex", "exact", "conditional_counts",
                            "asked_counts", "exact_phrases", "notes"}, where)
        name = str(raw.get("name", "")).strip()
        if not name or name in concepts:
            raise RulesError(f"{where}: missing or duplicate name")
        kind = raw.get("kind", "symptom")
        if kind not in CONCEPT_KINDS:
            raise RulesError(f"{where}: kind must be one of {CONCEPT_KINDS}")
        groups_raw = raw.get("groups", [])
        if not isinstance(groups_raw, list) or not all(isinstance(g, list) and g for g in groups_raw):
            raise RulesError(f"{where}: 'groups' must be a list of non-empty lists")
        groups = tuple(_strings({"g": g}, "g", where) for g in groups_raw)
        if len(groups) == 1:
            raise RulesError(f"{where}: one group is just phrases; write them as 'phrases'")
        window = raw.get("window", 5)
        if not isinstance(window, int) or not 1 <= window <= 20:
            raise RulesError(f"{where}: 'window' must be an integer from 1 to 20")
        regex = tuple(compile_bounded(_with_word_lists(p, lists, where), where) for p in _strings(raw, "regex", where))
        phrases = _strings(raw, "phrases", where)
        exact_phrases = _strings(raw, "exact_phrases", where)
        if not (phrases or groups or regex or exact_phrases):
            raise RulesError(f"{where}: needs phrases, groups or regex")
        concepts[name] = ConceptSpec(name, kind, phrases, groups, window, regex, bool(raw.get("exact", False)),
                                     bool(raw.get("conditional_counts", False)), bool(raw.get("asked_counts", False)),
                                     exact_phrases)
    return concepts


def parse_triage(
    data: dict[str, Any], concepts: dict[str, ConceptSpec], messages: set[str] | None = None,
    origin: str = "triage.toml",
) -> tuple[dict[str, tuple[str, ...]], tuple[TriageRule, ...]]:
    risks: dict[str, tuple[str, ...]] = {}
    for name, members in dict(data.get("risks", {})).items():
        where = f"{origin}: risks.{name}"
        parts = _strings({"m": members}, "m", where)
        for part in parts:
            if not (part in concepts or part in risks or part.startswith(MEDICINE_PREFIXES)):
                raise RulesError(f"{where}: unknown concept or risk {part!r}")
        risks[name] = parts
    rules: list[TriageRule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data.get("rule", [])):
        where = f"{origin}: rule #{i + 1} ({raw.get('name', '?')})"
        _check_fields(raw, {"name", "tier", "message", "all", "any", "risk", "fires", "passes", "notes"}, where)
        name = str(raw.get("name", "")).strip()
        if not name or name in seen:
            raise RulesError(f"{where}: missing or duplicate name")
        seen.add(name)
        tier = raw.get("tier")
        if tier not in TIERS:
            raise RulesError(f"{where}: tier must be one of {TIERS}")
        message = str(raw.get("message", "")).strip()
        if messages is not None and message not in messages:
            raise RulesError(f"{where}: unknown message template {message!r}")
        all_, any_ = _strings(raw, "all", where), _strings(raw, "any", where)
        risk = _strings(raw, "risk", where)
        if not (all_ or any_):
            raise RulesError(f"{where}: needs 'all' or 'any' concepts")
        for c in (*all_, *any_):
            if c not in concepts:
                raise RulesError(f"{where}: unknown concept {c!r}")
        for r in risk:
            if not (r in risks or r in concepts or r.startswith(MEDICINE_PREFIXES)):
                raise RulesError(f"{where}: unknown risk {r!r}")
        fires, passes = _strings(raw, "fires", where), _strings(raw, "passes", where)
        if not fires:
            raise RulesError(f"{where}: every rule needs 'fires' examples (and should have 'passes')")
        rules.append(TriageRule(name, tier, message, all_, any_, risk, fires, passes))
    return risks, tuple(rules)


def parse_context(data: dict[str, Any], origin: str = "context.toml",
                  concepts: Mapping[str, Any] | None = None) -> tuple[ContextRuleSpec, ...]:
    out = []
    for i, raw in enumerate(data.get("modifier", [])):
        where = f"{origin}: modifier #{i + 1}"
        _check_fields(raw, {"literals", "category", "direction", "max_scope", "pattern", "notes", "concepts", "kinds"},
                      where)
        category = str(raw.get("category", ""))
        if category not in ("NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "INFORMATIONAL", "FAMILY",
                            "PREPARATION"):
            raise RulesError(f"{where}: unknown category {category!r}")
        direction = str(raw.get("direction", "FORWARD"))
        if direction not in ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "TERMINATE_OWN", "PSEUDO"):
            raise RulesError(f"{where}: unknown direction {direction!r}")
        pattern = raw.get("pattern")
        if pattern is not None and not (isinstance(pattern, list) and all(isinstance(p, dict) for p in pattern)):
            raise RulesError(f"{where}: 'pattern' must be a list of spaCy token patterns")
        literals = _strings(raw, "literals", where)
        if not literals:
            raise RulesError(f"{where}: needs 'literals'")
        only = frozenset(_strings(raw, "concepts", where)) or None
        if kinds := _strings(raw, "kinds", where):  # "fine now" denies a symptom, not a plan to stop a medicine
            if concepts is None:
                raise RulesError(f"{where}: 'kinds' needs the concepts")
            only = (only or frozenset()) | frozenset(n for n, c in concepts.items() if c.kind in kinds)
        if only and direction in ("TERMINATE", "TERMINATE_OWN", "PSEUDO"):
            raise RulesError(f"{where}: 'concepts' narrows a modifier, not a {direction}")
        if only and concepts is not None and (unknown := sorted(only - set(concepts))):
            raise RulesError(f"{where}: unknown concepts {unknown}")
        for lit in literals:
            out.append(ContextRuleSpec(lit, category, direction, raw.get("max_scope"),
                                       tuple(pattern) if pattern else None, only))
    return tuple(out)


@lru_cache(maxsize=4)
def load_rules(folder: Path = SAFETY_DATA) -> SafetyRules:
    """Every safety data file, parsed and cross-checked once per process."""
    from citecare.prompts import MESSAGE_SPECS

    concepts = parse_concepts(_read("concepts.toml", folder))
    risks, triage = parse_triage(_read("triage.toml", folder), concepts, set(MESSAGE_SPECS))
    context_data = _read("context.toml", folder)
    context = parse_context(context_data, concepts=concepts)
    typos_data = _read("typos.toml", folder)
    typos = {str(k).lower(): str(v).lower() for k, v in dict(typos_data.get("typos", {})).items()}
    settled = _strings(dict(context_data.get("self_harm_follow_up", {})), "settled", "context.toml: self_harm_follow_up")
    preparing = _strings(dict(context_data.get("preparing_sentence", {})), "question_words",
                         "context.toml: preparing_sentence")
    return SafetyRules(concepts, risks, triage, context, typos, parse_scope(_read("scope.toml", folder)),
                       parse_dating(context_data), settled, preparing)


def parse_dating(data: dict[str, Any], origin: str = "context.toml") -> DatingSentence:
    raw = data.get("dating_sentence")
    if raw is None:
        return DatingSentence()
    where = f"{origin}: dating_sentence"
    _check_fields(raw, {"openings", "max_words", "past", "notes"}, where)
    max_words = raw.get("max_words")
    if not isinstance(max_words, int) or not 1 <= max_words <= 20:
        raise RulesError(f"{where}: 'max_words' must be a whole number from 1 to 20")
    return DatingSentence(_strings(raw, "openings", where), max_words, _strings(raw, "past", where))


def parse_scope(data: dict[str, Any], origin: str = "scope.toml") -> ScopeData:
    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(compile_bounded(p, f"{origin}: {key}") for p in _strings(data, key, origin))

    def words(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in _strings(data, key, origin))

    return ScopeData(
        patterns("injection"), patterns("creative_task"), patterns("off_topic_task"), patterns("chit_chat"),
        patterns("source_addressed_to_ai"), words("off_topic_words"), words("medical_words"),
        words("english_words"), words("foreign_words"),
    )


def rules_classifier_messages() -> dict[str, tuple[str, ...]]:
    """Which message a learned-layer alarm gets, by the concept of the nearest training messages."""
    import tomllib

    data = tomllib.loads((SAFETY_DATA / "triage.toml").read_text(encoding="utf-8"))
    return {k: tuple(v) for k, v in dict(data.get("classifier_messages", {})).items()}
