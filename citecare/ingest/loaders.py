"""Load source files (.txt, .md, .html, .pdf, .docx) into a Document of titled sections.

This module picks the format's parser by file suffix and builds the Document; each format's parser lives in
its own module (`txt_loader`, `html_loader` for HTML and Markdown, `pdf_loader`, `docx_loader`). Every
format is reduced to the same shape (see `blocks`): a list of blocks, each a heading or a paragraph, grouped
into Sections (a heading and the paragraphs under it). PDFs get one Section per page instead.
Anything that cannot be read as text raises LoadError with a short plain reason; the caller names the file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from citecare.errors import LoadError
from citecare.ingest.docx_loader import parse_docx
from citecare.ingest.html_loader import parse_html, parse_markdown
from citecare.ingest.pdf_loader import parse_pdf
from citecare.ingest.txt_loader import parse_txt
from citecare.types import Document, Section, SourceMeta

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")

NO_TEXT_ERROR = "no text"
SCANNED_PDF_ERROR = "no text layer (scanned PDF?)"

_PARSERS: dict[str, Callable[[bytes], tuple[str, list[Section]]]] = {
    ".txt": parse_txt,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
    ".pdf": parse_pdf,
    ".docx": parse_docx,
}

# Bumped when the same bytes are read into different sections (v2: label headings and lists, broken
# paragraphs; v3: a lead-in joined with the bulleted list it runs on into): an index built by an older parser
# then re-reads every file once (unchanged chunks keep their vectors, their ids do not change).
PARSER_VERSION = "3"


def content_hash(raw: bytes) -> str:
    """What tells a changed document: its bytes and the parser version that read them."""
    return hashlib.sha256(f"citecare-parser-{PARSER_VERSION}\0".encode() + raw).hexdigest()


def load_document(path: Path, meta: SourceMeta) -> Document:
    """Read one source file into a Document with at least one non-empty Section.

    `meta` is kept as given, except that an empty title is filled from the file: the first line of a .txt
    when it is a title line (short, then a blank line, then text); a Markdown front-matter `title:` or first
    heading; an HTML <title> or first <h1>; a PDF's metadata title; a .docx's core-properties title or first
    Title/Heading 1 paragraph. Otherwise the file stem, prettified ("methotrexate_blood-tests" ->
    "Methotrexate blood tests").
    `content_hash` is the SHA-256 (hex) of the raw file bytes and the parser version (see `content_hash`).

    Raises:
        LoadError: with a short reason (no file name) for unsupported types, unreadable, empty, binary,
            undecodable or corrupt files, and PDFs without a text layer.
    """
    path = Path(path)
    suffix = _suffix(path)
    raw = _read_bytes(path)
    if not raw:
        raise LoadError("empty file")
    title, sections = _PARSERS[suffix](raw)
    sections = [s for s in sections if s.text]
    if not sections:
        raise LoadError(SCANNED_PDF_ERROR if suffix == ".pdf" else NO_TEXT_ERROR)
    if not meta.title.strip():
        meta = replace(meta, title=title or _pretty_stem(path))
    return Document(
        doc_id=meta.doc_id,
        sections=tuple(sections),
        meta=meta,
        content_hash=content_hash(raw),
    )


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "no extension"
        raise LoadError(f"unsupported file type ({shown}); supported: {', '.join(SUPPORTED_SUFFIXES)}")
    return suffix


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file ({exc.strerror or exc})") from exc


def _pretty_stem(path: Path) -> str:
    words = re.sub(r"[-_.\s]+", " ", path.stem).strip()
    if not words:
        return path.name
    return words[0].upper() + words[1:] if words.islower() else words
