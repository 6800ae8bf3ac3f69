"""Eval sets and the eval runner: load and validate cases, ask the engine, score every case.

Metrics live in :mod:`citecare.evals.metrics`, reports in :mod:`citecare.evals.report`. The format
of an eval set is documented in ``evals/README.md``.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from citecare.errors import CiteCareError
from citecare.evals import answer_metrics as am
from citecare.evals import metrics as m
from citecare.protocols import AnswerEngine
from citecare.text import parse_history
from citecare.types import ANSWER_KINDS, Answer, Turn

SetFormat = Literal["jsonl", "nlm"]
WARMUP_QUESTION = "What are immunosuppressants?"

_FIELDS = {
    "id", "question", "history", "expected_kind", "expected_kind_any", "expected_sources", "must_include",
    "must_include_mode", "must_not_include", "tags", "notes",
    # answer sets: what the question is about and which side of it it asks
    "subject", "subject_aliases", "subject_sources", "aspect",
}


class EvalSetError(CiteCareError):
    """An eval set has invalid lines; ``problems`` lists them as 'file:line: message'."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = "\n".join(self.problems[:50])
        more = f"\n… and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} invalid eval case(s):\n{shown}{more}")


@dataclass(frozen=True)
class EvalCase:
    """One question with what a good answer looks like."""

    id: str
    question: str
    expected_kinds: tuple[str, ...]
    history: tuple[Turn, ...] = ()
    expected_sources: tuple[str, ...] = ()  # normalised doc stems
    must_include: tuple[str, ...] = ()
    must_include_mode: Literal["any", "all"] = "all"
    must_not_include: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    origin: str = ""  # "file:line"
    subject: str = ""  # the drug, vaccine, condition or procedure asked about
    subject_aliases: tuple[str, ...] = ()  # other names of it (brands, lay names)
    subject_sources: tuple[str, ...] = ()  # normalised stems of the documents mainly about it
    aspect: str = ""  # side_effects, dosage, definition, … (free label, reported per value)


# --------------------------------------------------------------------------- loading
def _str_list(obj: dict[str, Any], key: str, errors: list[str]) -> tuple[str, ...]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append(f"'{key}' must be a list of non-empty strings")
        return ()
    return tuple(v.strip() for v in value)


def _history(obj: dict[str, Any], errors: list[str]) -> tuple[Turn, ...]:
    try:
        return parse_history(obj.get("history", []))
    except ValueError as exc:
        errors.append(str(exc))
        return ()


def _kinds(obj: dict[str, Any], errors: list[str]) -> tuple[str, ...]:
    if ("expected_kind" in obj) == ("expected_kind_any" in obj):
        errors.append("give exactly one of 'expected_kind' or 'expected_kind_any'")
        return ()
    raw = obj.get("expected_kind_any", [obj.get("expected_kind")])
    if not isinstance(raw, list) or not raw:
        errors.append("'expected_kind_any' must be a non-empty list")
        return ()
    bad = [k for k in raw if k not in ANSWER_KINDS]
    if bad:
        errors.append(f"unknown kind(s) {bad}; allowed: {', '.join(ANSWER_KINDS)}")
        return ()
    return tuple(dict.fromkeys(raw))


def parse_case(obj: Any, origin: str = "") -> tuple[EvalCase | None, list[str]]:
    """Validate one decoded JSON line; returns the case or the list of problems."""
    if not isinstance(obj, dict):
        return None, ["a case must be a JSON object"]
    errors: list[str] = []
    unknown = sorted(set(obj) - _FIELDS)
    if unknown:
        errors.append(f"unknown field(s) {unknown}")
    case_id, question = obj.get("id"), obj.get("question")
    if not isinstance(case_id, str) or not case_id.strip():
        errors.append("'id' must be a non-empty string")
    if not isinstance(question, str) or not question.strip():
        errors.append("'question' must be a non-empty string")
    subject, aspect = obj.get("subject", ""), obj.get("aspect", "")
    if not isinstance(subject, str) or not isinstance(aspect, str):
        errors.append("'subject' and 'aspect' must be strings")
        subject, aspect = "", ""
    mode = obj.get("must_include_mode", "all")
    if mode not in ("any", "all"):
        errors.append("'must_include_mode' must be 'any' or 'all'")
    case = EvalCase(
        id=str(case_id), question=str(question), expected_kinds=_kinds(obj, errors), history=_history(obj, errors),
        expected_sources=tuple(dict.fromkeys(m.doc_stem(s) for s in _str_list(obj, "expected_sources", errors))),
        must_include=_str_list(obj, "must_include", errors), must_include_mode=mode,
        must_not_include=_str_list(obj, "must_not_include", errors), tags=_str_list(obj, "tags", errors),
        origin=origin, subject=subject.strip(), subject_aliases=_str_list(obj, "subject_aliases", errors),
        subject_sources=tuple(dict.fromkeys(m.doc_stem(s) for s in _str_list(obj, "subject_sources", errors))),
        aspect=aspect.strip(),
    )
    return (None, errors) if errors else (case, [])


def _read_json_lines(path: Path) -> Iterable[tuple[int, Any, str | None]]:
    """(line number, decoded object or None, decode error) for each non-blank line."""
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield lineno, None, f"not valid JSON ({exc.msg} at column {exc.colno})"


def load_cases(path: str | Path) -> list[EvalCase]:
    """Load a JSONL eval set; raises :class:`EvalSetError` listing every bad line by number."""
    path = Path(path)
    if not path.is_file():
        raise EvalSetError([f"{path}: no such file"])
    cases: list[EvalCase] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for lineno, obj, decode_error in _read_json_lines(path):
        where = f"{path.name}:{lineno}"
        case, errors = (None, [decode_error]) if decode_error else parse_case(obj, where)
        if case is not None and case.id in seen:
            errors = [f"duplicate id {case.id!r} (first on line {seen[case.id]})"]
            case = None
        problems.extend(f"{where}: {e}" for e in errors)
        if case:
            seen[case.id] = lineno
            cases.append(case)
    if problems:
        raise EvalSetError(problems)
    if not cases:
        raise EvalSetError([f"{path}: no cases"])
    return cases


# --------------------------------------------------------------------------- NLM adapter
def nlm_case(row: dict[str, Any], origin: str = "") -> EvalCase:
    """Map one row of extdata/qa-dev.jsonl to an EvalCase.

    Expected sources are the open ``docs/`` files of primary_doc_files + relevant_doc_files (files in
    docs_restricted/ are not in any index). Unanswerable rows expect ``no_evidence``; rows tagged
    asks_personal_advice or safety_sensitive also accept a safe referral (``medical_advice``, and
    ``emergency`` for safety-sensitive ones), which is what the dataset says they call for.
    """
    files = [f for f in row.get("primary_doc_files", []) + row.get("relevant_doc_files", [])
             if not f.startswith("docs_restricted/")]
    answerable = bool(row.get("answerable_from_open_docs", True))
    flags = row.get("tags") or {}
    kinds = ["answer" if answerable else "no_evidence"]
    if flags.get("asks_personal_advice") or flags.get("safety_sensitive"):
        kinds.append("medical_advice")
    if flags.get("safety_sensitive"):
        kinds.append("emergency")
    return EvalCase(
        id=str(row["id"]), question=str(row["question"]), expected_kinds=tuple(kinds),
        expected_sources=tuple(dict.fromkeys(m.doc_stem(f) for f in files)) if answerable else (),
        tags=nlm_tags(row), origin=origin,
    )


def nlm_tags(row: dict[str, Any]) -> tuple[str, ...]:
    """'medquad' (templated) or 'consumer', plus dataset, hard, typos, advice and safety flags."""
    flags = row.get("tags") or {}
    dataset = str(row.get("dataset", ""))
    tags = ["medquad" if dataset.lower().startswith("medquad") else "consumer"]
    short = next((k for k in ("medquad", "medicationqa", "liveqa", "mediqa") if k in dataset.lower()), "other")
    tags.append(f"ds:{short}")
    checks = {
        "answerable": row.get("answerable_from_open_docs", True),
        "unanswerable": not row.get("answerable_from_open_docs", True),
        "hard": row.get("hard"),
        "typos": flags.get("typos") or "misspelling" in (row.get("hard_reasons") or []),
        "asks_personal_advice": flags.get("asks_personal_advice"),
        "safety_sensitive": flags.get("safety_sensitive"),
        "multi_part": flags.get("multi_part"),
        "possibly_outdated": row.get("possibly_outdated"),
    }
    tags += [name for name, on in checks.items() if on]
    if row.get("tier"):
        tags.append("tier:" + str(row["tier"]).replace(" ", "_"))
    return tuple(tags)


def load_nlm(path: str | Path) -> list[EvalCase]:
    """Load extdata/qa-dev.jsonl through :func:`nlm_case`; bad lines are reported by number."""
    path = Path(path)
    if not path.is_file():
        raise EvalSetError([f"{path}: no such file"])
    cases: list[EvalCase] = []
    problems: list[str] = []
    for lineno, row, decode_error in _read_json_lines(path):
        where = f"{path.name}:{lineno}"
        if decode_error or not isinstance(row, dict) or not row.get("id") or not row.get("question"):
            problems.append(f"{where}: {decode_error or 'needs id and question'}")
            continue
        cases.append(nlm_case(row, where))
    if problems:
        raise EvalSetError(problems)
    return cases


def load_sets(paths: Sequence[str | Path], fmt: SetFormat = "jsonl") -> list[EvalCase]:
    """Load several sets; each case gets the tag 'set:<file stem>', ids are prefixed on collision."""
    loader = load_nlm if fmt == "nlm" else load_cases
    out: list[EvalCase] = []
    seen: set[str] = set()
    for p in paths:
        stem = Path(p).stem
        for case in loader(p):
            cid = case.id if case.id not in seen else f"{stem}/{case.id}"
            seen.add(cid)
            aspect = (f"aspect:{case.aspect}",) if case.aspect else ()
            out.append(replace(case, id=cid, tags=(f"set:{stem}", *case.tags, *aspect)))
    return out


# --------------------------------------------------------------------------- scoring
@dataclass
class CaseResult:
    """The engine's answer to one case, its scores ``{metric: (num, den)}`` and what failed."""

    case: EvalCase
    answer: Answer | None
    wall_ms: float
    error: str | None = None
    scores: dict[str, m.Score] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.answer.kind if self.answer else "error"

    @property
    def expected_label(self) -> str:
        """The confusion-matrix row: the returned kind when acceptable, else the first expected kind."""
        return self.kind if self.kind in self.case.expected_kinds else self.case.expected_kinds[0]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class Checkers:
    """The support check and sentence splitter used for citation and groundedness metrics."""

    support: m.SupportFn
    split: m.SplitFn
    name: str


def default_checkers() -> Checkers:
    """citecare.answer.verify's check_support/split_sentences; a lexical stand-in (named so) if it is missing."""
    try:
        from citecare.answer.verify import check_support
        from citecare.text import split_sentences
    except ImportError:
        return Checkers(_lexical_support, m.fallback_split, "lexical-fallback (citecare.answer.verify not importable)")
    cache: dict[tuple[str, str], bool] = {}

    def support(sentence: str, passage: str) -> bool:
        key = (sentence, passage)
        if key not in cache:
            cache[key] = bool(check_support(sentence, passage).supported)
        return cache[key]

    return Checkers(support, lambda t: list(split_sentences(t)), "citecare.answer.verify.check_support")


def _lexical_support(sentence: str, passage: str) -> bool:
    """Stand-in support check: the sentence appears in the passage, or 80% of its words do."""
    if m.contains(passage, sentence):
        return True
    words = {w for w in m._norm_text(sentence).split() if len(w) > 3}
    have = set(m._norm_text(passage).split())
    return bool(words) and len(words & have) / len(words) >= 0.8


def score_case(case: EvalCase, answer: Answer, checkers: Checkers) -> tuple[dict[str, m.Score], list[str], dict[str, Any]]:
    """All per-case scores of one answer, the failure messages, and details for the report."""
    scores: dict[str, m.Score] = {"kind_accuracy": (float(answer.kind in case.expected_kinds), 1.0),
                                  "error_rate": (0.0, 1.0)}
    failures: list[str] = []
    details: dict[str, Any] = {"ranked_docs": m.ranked_docs(answer)}
    if answer.kind not in case.expected_kinds:
        failures.append(f"kind: expected {' or '.join(case.expected_kinds)}, got {answer.kind}")
    if case.expected_sources:
        scores |= m.retrieval_scores(answer, case.expected_sources)
        if answer.kind != "answer" and answer.kind in case.expected_kinds:
            del scores["first_citation_correct"]  # an acceptable refusal cites nothing, and that is fine
        if not scores["doc_hit@5"][0]:
            failures.append(f"sources: none of {list(case.expected_sources)} in top 5 {details['ranked_docs'][:5]}")
    if answer.kind == "answer":
        _score_answer_text(answer, checkers, scores, failures, details)
    _score_content(case, answer, scores, failures)
    _score_behaviour(case, answer, scores, failures)
    subject, subject_failures, subject_details = am.subject_scores(case, answer, checkers.split)
    scores |= subject
    failures += subject_failures
    details |= subject_details
    return scores, failures, details


def _score_answer_text(answer: Answer, checkers: Checkers, scores: dict[str, m.Score],
                       failures: list[str], details: dict[str, Any]) -> None:
    cc = m.check_citations(answer, checkers.support, checkers.split)
    ungrounded = m.ungrounded_sentences(answer, checkers.support, checkers.split)
    if cc.sentences:
        scores["citation_recall"] = (float(cc.supported_sentences), float(cc.sentences))
        scores["ungrounded_rate"] = (float(len(ungrounded)), float(cc.sentences))
    if cc.citations:
        scores["citation_precision"] = (float(cc.precise_citations), float(cc.citations))
    scores["disclaimer_rate"] = (float(bool(answer.disclaimer.strip())), 1.0)
    details |= {"sentences": cc.sentences, "unsupported_by_citations": list(cc.unsupported),
                "imprecise_citations": list(cc.imprecise), "ungrounded": ungrounded}
    failures += [f"citation does not support: {s!r}" for s in cc.unsupported]
    failures += [f"citation [{n}] is not needed or does not support its sentence" for n in cc.imprecise]
    failures += [f"marker [{n}] has no citation" for n in cc.unknown_markers]
    failures += [f"ungrounded (no retrieved passage supports it): {s!r}" for s in ungrounded]
    if not answer.disclaimer.strip():
        failures.append("no disclaimer")


def _score_content(case: EvalCase, answer: Answer, scores: dict[str, m.Score], failures: list[str]) -> None:
    if case.must_include:
        cov, missing = m.must_include_score(answer.text, case.must_include, case.must_include_mode)
        scores["must_include_coverage"] = (cov, 1.0)
        if cov < 1.0:
            failures.append(f"must_include ({case.must_include_mode}) missing: {missing}")
    if case.must_not_include:
        found = m.forbidden_found(answer.text, case.must_not_include)
        scores["must_not_include_violation_rate"] = (float(bool(found)), 1.0)
        if found:
            failures.append(f"must_not_include present: {found}")


def _score_behaviour(case: EvalCase, answer: Answer, scores: dict[str, m.Score], failures: list[str]) -> None:
    is_emergency = float(answer.kind == "emergency")
    if set(case.expected_kinds) == {"emergency"}:
        scores["emergency_recall"] = (is_emergency, 1.0)
    elif "emergency" not in case.expected_kinds:
        scores["emergency_false_alarm_rate"] = (is_emergency, 1.0)


# --------------------------------------------------------------------------- running
@dataclass
class EvalRun:
    """A finished run: per-case results plus metadata; :func:`summarize` turns it into metrics."""

    results: list[CaseResult]
    meta: dict[str, Any]


def run_case(engine: AnswerEngine, case: EvalCase, checkers: Checkers) -> CaseResult:
    """Ask one question (with its history) and score the answer; engine errors are recorded, not raised."""
    start = time.perf_counter()
    try:
        answer = engine.ask(case.question, case.history)
    except Exception as exc:  # a crash on one case must not hide the other results
        wall = (time.perf_counter() - start) * 1000
        return CaseResult(case, None, wall, error=f"{type(exc).__name__}: {exc}",
                          scores={"kind_accuracy": (0.0, 1.0), "error_rate": (1.0, 1.0)},
                          failures=[f"engine raised {type(exc).__name__}: {exc}"])
    wall = (time.perf_counter() - start) * 1000
    scores, failures, details = score_case(case, answer, checkers)
    return CaseResult(case, answer, wall, scores=scores, failures=failures, details=details)


def run_eval(
    engine: AnswerEngine,
    cases: Sequence[EvalCase],
    *,
    checkers: Checkers | None = None,
    on_case: Callable[[CaseResult], None] | None = None,
    warmup: bool = True,
    meta: dict[str, Any] | None = None,
) -> EvalRun:
    """Run every case through ``engine`` in order; ``warmup`` asks one unscored question first so model
    loading does not land in the first case's latency."""
    checkers = checkers or default_checkers()
    started = time.time()
    if warmup:
        with contextlib.suppress(Exception):  # the scored cases will report it
            engine.ask(WARMUP_QUESTION, ())
    results: list[CaseResult] = []
    for case in cases:
        result = run_case(engine, case, checkers)
        results.append(result)
        if on_case:
            on_case(result)
    info = {"started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
            "duration_s": round(time.time() - started, 3), "n_cases": len(results),
            "support_checker": checkers.name, "warmup": warmup}
    return EvalRun(results, {**info, **(meta or {})})


def summarize(run: EvalRun, *, n_boot: int = 1000) -> dict[str, Any]:
    """Every metric overall and by tag (with bootstrap CIs), the kind confusion matrix and latency."""
    results = run.results
    tags = sorted({t for r in results for t in r.case.tags})
    groups = {"all": results} | {t: [r for r in results if t in r.case.tags] for t in tags}
    return {name: _group_summary(rs, n_boot) for name, rs in groups.items()}


def _group_summary(results: Sequence[CaseResult], n_boot: int) -> dict[str, Any]:
    metrics = m.summarize_scores([r.scores for r in results], n_boot=n_boot)
    timings = [{**(r.answer.timings_ms if r.answer else {}), "wall": r.wall_ms} for r in results]
    latency = m.latency_summary(timings)
    return {
        "n": len(results),
        "passed": sum(r.passed for r in results),
        "metrics": {k: v.as_dict() for k, v in metrics.items()},
        "confusion": m.confusion((r.expected_label, r.kind) for r in results),
        "latency_ms": latency,
        "distributions": am.distributions([r.details for r in results]),
    }


def flat_metrics(group: dict[str, Any]) -> dict[str, float]:
    """One group's metric values plus latency as 'latency_<stage>_p50_ms' / '_p95_ms' (for gates, baselines)."""
    out = {k: v["value"] for k, v in group["metrics"].items() if v["value"] is not None}
    for name, dist in group.get("distributions", {}).items():
        if dist.get("n"):
            out[f"{name}_median"] = dist["median"]
    for stage, stats in group["latency_ms"].items():
        out[f"latency_{stage}_p50_ms"] = stats["p50"]
        out[f"latency_{stage}_p95_ms"] = stats["p95"]
    return out
