"""The architecture, enforced: imports point one way, and each package says what it owns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "citecare"
BASE = {"config", "types", "errors", "protocols", "text", "prompts", "vocab"}
# wing -> wings it may import (besides itself); config/types ← store/ingest/safety/answer ← engine ← evals ← app
ALLOWED: dict[str, set[str]] = {
    "base": {"base"},
    "store": {"base"},
    "safety": {"base"},
    "ingest": {"base", "store", "safety"},
    "answer": {"base", "store", "safety"},
    "engine": {"base", "store", "safety", "ingest", "answer"},
    "evals": {"base", "store", "safety", "ingest", "answer", "engine"},
    "app": {"base", "store", "safety", "ingest", "answer", "engine", "evals"},
}


def wing_of(module: str) -> str:
    """'citecare.answer.compose' → 'answer'; 'citecare.config' → 'base'."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else ""
    return "base" if head in BASE or head in ("", "__init__") else head


def citecare_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("citecare"):
            found.add(node.module)
            if node.module == "citecare":
                found.update(f"citecare.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("citecare"))
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_one_way(path: Path) -> None:
    module = "citecare." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    own = wing_of(module)
    assert own in ALLOWED, f"{module}: unknown wing {own!r}; add it to the layout"
    bad = sorted(m for m in citecare_imports(path) if wing_of(m) not in ALLOWED[own] | {own})
    assert not bad, f"{module} ({own}) may import only {sorted(ALLOWED[own])}, but imports {bad}"


@pytest.mark.parametrize("package", sorted(p.parent for p in PACKAGE.rglob("__init__.py")),
                         ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_each_package_says_what_it_owns(package: Path) -> None:
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "import" in doc.lower(), f"{package}/__init__.py needs a docstring: what it owns, what it may import"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_says_what_it_is(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 4, f"{path.relative_to(PACKAGE.parent)} needs a docstring: what it owns"
