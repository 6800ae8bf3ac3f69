"""Eval cases: the JSONL case schema (validated, with readable errors) and the NLM question format.

The format of an eval set is documented in ``evals/README.md``; the runner that asks the engine and scores the
answers is :mod:`citecare.evals.runner`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from citecare.errors import CiteCareError
from citecare.evals import metrics as m
from citecare.text import parse_history
from citecare.types import ANSWER_KINDS, Turn

SetFormat = Literal["jsonl", "nlm"]
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
