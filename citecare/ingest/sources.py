"""Source manifests: governance metadata per document (title, publisher, link, licence, review date).

Two kinds, merged by file name: the project's own ``ingest/sources.toml``, and external manifests a library
ships with its files (CSV or JSON Lines, one row per document, ``citecare ingest --manifest FILE``). External
column names vary; the common spellings are read as ours (``source_url`` → url, ``source_name`` → publisher,
``license_status`` → licence, …). A malformed manifest raises ManifestError naming the bad lines.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from citecare.config import Settings
from citecare.errors import CiteCareError
from citecare.text import publisher_from_title
from citecare.types import SourceMeta

_FIELDS = ("title", "publisher", "url", "licence", "reviewed", "audience")
_DOC_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SourceEntry:
    file: str
    title: str = ""
    publisher: str = ""
    url: str = ""
    licence: str = ""
    reviewed: str = ""
    audience: str = "patients"


def load_manifest(path: Path) -> dict[str, SourceEntry]:
    """Entries keyed by file name; a missing manifest is an empty one."""
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries: dict[str, SourceEntry] = {}
    for raw in data.get("source", []):
        if "file" not in raw:
            continue
        values = {k: str(raw[k]) for k in _FIELDS if k in raw and raw[k] is not None}
        entries[Path(raw["file"]).name] = SourceEntry(file=Path(raw["file"]).name, **values)
    return entries


# Our field ← the column names external manifests use for it (first one present wins).
EXTERNAL_FIELDS: dict[str, tuple[str, ...]] = {
    "file": ("file", "path", "filename", "file_name"),
    "title": ("title", "name"),
    "url": ("url", "source_url", "link", "page_url"),
    "publisher": ("publisher", "source_name", "source", "organisation", "organization"),
    "licence": ("licence", "license", "license_status", "licence_status", "rights"),
    "reviewed": ("reviewed", "last_reviewed", "review_date", "reviewed_on", "date_reviewed"),
    "audience": ("audience",),
}
_MAX_PROBLEMS = 20


class ManifestError(CiteCareError):
    """An external manifest cannot be read; ``problems`` lists 'file:line: reason'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("source manifest problems:\n" + "\n".join(problems[:_MAX_PROBLEMS]))


def load_external_manifest(path: Path) -> dict[str, SourceEntry]:
    """Entries keyed by file name from a .csv or .jsonl manifest (columns as in EXTERNAL_FIELDS)."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError([f"{path}: no such file"])
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".json"):
        raise ManifestError([f"{path}: expected a .csv or .jsonl file"])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError([f"{path}: cannot be read ({type(exc).__name__})"]) from exc
    rows = _csv_rows(text) if suffix == ".csv" else _jsonl_rows(text, path.name)
    entries: dict[str, SourceEntry] = {}
    problems: list[str] = []
    for line, row in rows:
        if isinstance(row, str):
            problems.append(f"{path.name}:{line}: {row}")
            continue
        values = {field: _first(row, names) for field, names in EXTERNAL_FIELDS.items()}
        if not values["file"]:
            problems.append(f"{path.name}:{line}: no file column ({', '.join(EXTERNAL_FIELDS['file'])})")
            continue
        name = Path(values.pop("file")).name
        entries[name] = SourceEntry(file=name, **{k: v for k, v in values.items() if v})
    if problems:
        raise ManifestError(problems)
    return entries


def _first(row: dict[str, object], names: Iterable[str]) -> str:
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _csv_rows(text: str) -> list[tuple[int, dict[str, object] | str]]:
    reader = csv.DictReader(text.splitlines())
    return [(i, {k.strip().lower(): v for k, v in row.items() if k}) for i, row in enumerate(reader, start=2)]


def _jsonl_rows(text: str, name: str) -> list[tuple[int, dict[str, object] | str]]:
    rows: list[tuple[int, dict[str, object] | str]] = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((i, f"not JSON ({exc.msg})"))
            continue
        rows.append((i, {str(k).lower(): v for k, v in row.items()} if isinstance(row, dict) else "not an object"))
    return rows


def doc_id_for(path: Path) -> str:
    """The file's stem, made safe for ids; evals match expected sources by it."""
    return _DOC_ID_UNSAFE.sub("-", path.stem).strip("-") or "document"


def meta_for(path: Path, doc_id: str, entry: SourceEntry | None, derived_title: str) -> SourceMeta:
    """Manifest values where given, otherwise what the file itself tells."""
    title = (entry.title if entry and entry.title else derived_title) or path.stem.replace("_", " ")
    base = SourceMeta(
        doc_id=doc_id,
        title=title,
        publisher=publisher_from_title(title),
        audience="patients",
        path=str(path.resolve()),
    )
    if entry is None:
        return base
    return replace(
        base,
        publisher=entry.publisher or base.publisher,
        url=entry.url,
        licence=entry.licence,
        reviewed=entry.reviewed,
        audience=entry.audience or base.audience,
    )


_REVIEWED = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")


def is_outdated(reviewed: str, settings: Settings, today: date | None = None) -> bool:
    """True when a source's review date is older than ``settings.outdated_after_years``.

    Accepts "2018", "2024-05", "2019-03-01" (also with / or .). A year or month without a day counts
    from its first day, so borderline sources are marked (the safe side). "" or unparseable → False.
    """
    m = _REVIEWED.match(reviewed or "")
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        when = date(year, month, day)
    except ValueError:
        return False
    return (today or date.today()) > _add_years(when, settings.outdated_after_years)


def _add_years(when: date, years: float) -> date:
    """Calendar years (29 February → 28 February), then the fraction as days."""
    whole = int(years)
    try:
        shifted = when.replace(year=when.year + whole)
    except ValueError:
        shifted = when.replace(year=when.year + whole, day=28)
    return shifted + timedelta(days=round((years - whole) * 365.25))
