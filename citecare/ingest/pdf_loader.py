"""PDF files → title and one Section per page (with its page number), paragraphs rebuilt from lines.

pypdf gives lines, not paragraphs: a blank line is put where lines sit clearly further apart than the page's
usual spacing, short sentence-ending lines close a paragraph, and words hyphenated at a line end are rejoined.
Damaged and password-protected files raise LoadError; a PDF without a text layer yields no Sections.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PageObject, PdfReader

from citecare.errors import LoadError
from citecare.ingest.blocks import LIST_RE, SENTENCE_END, clean, one_line, short_reason
from citecare.types import Section

# Lines further apart than this many times the page's usual line spacing are separate paragraphs.
_PARAGRAPH_GAP = 1.4
_MIN_LINE_STEP = 5.0  # points; smaller vertical shifts are super/subscripts on the same line
_JUNK_PDF_TITLE_RE = re.compile(
    r"^(?:untitled\b|microsoft word\b|document\d*$)|\.(?:docx?|pdf|indd|rtf)$", re.I
)


def parse_pdf(raw: bytes) -> tuple[str, list[Section]]:
    """The metadata title ("" when absent or junk) and one Section per page that has text."""
    title, pages = _pdf_pages(raw)
    sections = []
    for number, page_text in enumerate(pages, start=1):
        text = clean("\n\n".join(_pdf_paragraphs(clean(page_text))))
        if text:
            sections.append(Section(text=text, heading=title, page=number))
    return title, sections


def _pdf_pages(raw: bytes) -> tuple[str, list[str]]:
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError("encrypted PDF (needs a password)")
        title = _pdf_title(reader)
        pages = [_page_text(page) for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises many exception types on damaged files, not only PdfReadError
        raise LoadError(f"corrupt PDF ({short_reason(exc)})") from exc
    return title, pages


def _page_text(page: PageObject) -> str:
    """The page's text, with a blank line wherever lines are clearly further apart than usual."""
    pieces: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        pieces.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

    plain = page.extract_text(visitor_text=visit) or ""
    if "".join(text for _, text in pieces).split() != plain.split():
        return plain  # the pieces do not rebuild the text: keep pypdf's text, without gap information
    spacing = _line_spacing(pieces)
    out: list[str] = []
    previous_y: float | None = None
    for y, text in pieces:
        if text.strip():
            if previous_y is not None and spacing and abs(y - previous_y) > _PARAGRAPH_GAP * spacing:
                out.append("\n\n")
            previous_y = y
        out.append(text)
    return "".join(out)


def _line_spacing(pieces: list[tuple[float, str]]) -> float:
    """The most common vertical step between lines (smallest on ties); superscript shifts are ignored."""
    ys = [y for y, text in pieces if text.strip()]
    counts = Counter(
        round(abs(b - a)) for a, b in zip(ys, ys[1:], strict=False) if abs(b - a) > _MIN_LINE_STEP
    )
    if not counts:
        return 0.0
    most = max(counts.values())
    return float(min(step for step, n in counts.items() if n == most))


def _pdf_title(reader: PdfReader) -> str:
    metadata = reader.metadata
    title = one_line(str(metadata.title or "")) if metadata else ""
    return "" if _JUNK_PDF_TITLE_RE.search(title) else title


def _pdf_paragraphs(text: str) -> list[str]:
    """Rebuild paragraphs from PDF lines: a short line ending a sentence closes a paragraph."""
    lines = text.split("\n")
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            paragraphs.append("\n".join(current))
            current = []
            continue
        _add_pdf_line(current, line)
        if line.endswith(SENTENCE_END) and len(line) < 0.75 * width:
            paragraphs.append("\n".join(current))
            current = []
    paragraphs.append("\n".join(current))
    return [p for p in paragraphs if p]


def _add_pdf_line(current: list[str], line: str) -> None:
    if not current or LIST_RE.match(line):
        current.append(line)
    elif re.search(r"[^\W\d_]-$", current[-1]) and line[:1].islower():
        current[-1] = current[-1][:-1] + line  # "treat-" + "ment": a word split at the line end
    else:
        current[-1] = f"{current[-1]} {line}"
