"""The source manifest (ingest/sources.toml): governance metadata per document."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

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
