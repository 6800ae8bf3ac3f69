"""Small modules with one job: a module over ~400 lines says at its top why it is long ("long because …")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "citecare"
MAX_LINES = 400
REASON_PHRASE = "long because"

# Modules allowed to stay long while they are being reworked on another branch (paths relative to the
# repository root). Empty: every module is within the limit or says why it is long.
REWORK_IN_PROGRESS: frozenset[str] = frozenset()


def size_problem(source: str, name: str) -> str | None:
    """Why `source` breaks the size rule, or None: over MAX_LINES lines needs the reason in its module docstring."""
    lines = len(source.splitlines())
    if lines <= MAX_LINES:
        return None
    docstring = ast.get_docstring(ast.parse(source)) or ""
    if REASON_PHRASE in docstring.lower():
        return None
    return (
        f"{name} has {lines} lines (> {MAX_LINES}): split it into modules with one job each, "
        f"or say in its module docstring '{REASON_PHRASE} …' with the honest reason"
    )


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=_relative)
def test_long_modules_say_why(path: Path) -> None:
    if _relative(path) in REWORK_IN_PROGRESS:
        return  # checked by test_rework_list_holds_only_long_modules until the lead empties the list
    problem = size_problem(path.read_text(encoding="utf-8"), _relative(path))
    assert problem is None, problem


def test_rework_list_holds_only_long_modules() -> None:
    """An entry whose module was split, shortened or given its reason comes off the list, so it cannot go stale."""
    stale = []
    for name in sorted(REWORK_IN_PROGRESS):
        path = ROOT / name
        if not path.is_file() or size_problem(path.read_text(encoding="utf-8"), name) is None:
            stale.append(name)
    assert not stale, f"remove from REWORK_IN_PROGRESS (now fine or gone): {stale}"


# ------------------------------------------------------------------------------------- the checker itself


def _source(docstring: str, lines: int) -> str:
    head = f'"""{docstring}"""\n\n' if docstring else ""
    body_lines = lines - head.count("\n")
    return head + "".join(f"x{i} = {i}\n" for i in range(body_lines))


def test_checker_flags_a_long_module_without_a_reason() -> None:
    source = _source("Helpers for many things.", MAX_LINES + 1)
    assert len(source.splitlines()) == MAX_LINES + 1

    problem = size_problem(source, "citecare/big.py")
    assert problem is not None
    assert "citecare/big.py has 401 lines" in problem
    assert size_problem(_source("", MAX_LINES + 50), "citecare/nodoc.py") is not None


def test_checker_accepts_a_stated_reason_or_a_short_module() -> None:
    reason = "Safety rules.\n\nLong because each rule sits with its examples, and splitting them hides the order."
    assert size_problem(_source(reason, MAX_LINES + 200), "citecare/rules.py") is None
    assert size_problem(_source("Short enough.", MAX_LINES), "citecare/small.py") is None


def test_checker_wants_the_reason_in_the_docstring_not_a_comment() -> None:
    source = "# long because it is\n" + _source("Helpers.", MAX_LINES)
    assert len(source.splitlines()) == MAX_LINES + 1
    assert size_problem(source, "citecare/comment.py") is not None
    later_string = _source("Helpers.", MAX_LINES) + '"""long because of this late string"""\n'
    assert size_problem(later_string, "citecare/late.py") is not None
