"""Word (.docx) files → title and Sections: Title/Heading styles open Sections, lists and tables kept.

The title is the core-properties title, else the first Title or Heading 1 paragraph. Consecutive List-style
paragraphs become one "- " list; a table becomes "cell | cell" rows. Damaged files raise LoadError.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import docx
from docx.document import Document as DocxDocument
from docx.table import Table

from citecare.errors import LoadError
from citecare.ingest.blocks import Block, group_sections, one_line, short_reason
from citecare.types import Section

_DOCX_HEADING_RE = re.compile(r"^(?:Title|Heading [1-4])$")


def parse_docx(raw: bytes) -> tuple[str, list[Section]]:
    """The title ("" when none) and the Sections of a Word document."""
    document = _open_docx(raw)
    try:
        blocks = list(_docx_blocks(document))
    except Exception as exc:  # damaged XML inside a valid zip surfaces only while reading the body
        raise LoadError(f"corrupt .docx ({short_reason(exc)})") from exc
    return _docx_title(document), group_sections(blocks)


def _open_docx(raw: bytes) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises zip, XML and package errors alike
        raise LoadError(f"corrupt .docx (not a readable Word file: {short_reason(exc)})") from exc


def _docx_blocks(document: DocxDocument) -> Iterator[Block]:
    list_items: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            yield from _flush_list(list_items)
            yield "p", _docx_table_text(item)
            continue
        style = item.style.name if item.style is not None else ""
        text = item.text.strip()
        if style.startswith("List") and text:
            list_items.append(f"- {text}")
            continue
        yield from _flush_list(list_items)
        if text:
            yield ("h" if _DOCX_HEADING_RE.match(style) else "p"), text
    yield from _flush_list(list_items)


def _flush_list(items: list[str]) -> Iterator[Block]:
    if items:
        yield "p", "\n".join(items)
        items.clear()


def _docx_table_text(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            # A merged cell is returned once per grid column it spans: keep it once.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        rows.append(" | ".join(cells))
    return "\n".join(r for r in rows if r)


def _docx_title(document: DocxDocument) -> str:
    title = one_line(document.core_properties.title or "")
    if title:
        return title
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style in ("Title", "Heading 1") and paragraph.text.strip():
            return one_line(paragraph.text)
    return ""
