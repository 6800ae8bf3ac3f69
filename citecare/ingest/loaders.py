"""Load source files (.txt, .md, .html, .pdf, .docx) into a Document of titled sections.

Every format is reduced to the same shape: a list of blocks, each a heading or a paragraph, which are then
grouped into Sections (a heading and the paragraphs under it). PDFs get one Section per page instead.
Anything that cannot be read as text raises LoadError with a short plain reason; the caller names the file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Literal

import docx
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from docx.document import Document as DocxDocument
from docx.table import Table
from markdown_it import MarkdownIt
from pypdf import PageObject, PdfReader

from citecare.errors import LoadError
from citecare.types import Document, Section, SourceMeta

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")

Block = tuple[Literal["h", "p"], str]

ENCODING_ERROR = "not valid text (encoding)"
BINARY_ERROR = "binary file, not text"
NO_TEXT_ERROR = "no text"
SCANNED_PDF_ERROR = "no text layer (scanned PDF?)"

# Titles of the reference corpus run to ~200 characters ("Topic - Question? (Publisher)"); prose runs longer.
_MAX_TITLE_CHARS = 250
_MAX_HEADING_CHARS = 80
_MAX_HEADING_WORDS = 12
# Lines further apart than this many times the page's usual line spacing are separate paragraphs.
_PARAGRAPH_GAP = 1.4
_MIN_LINE_STEP = 5.0  # points; smaller vertical shifts are super/subscripts on the same line
# Shares of control characters above which decoded bytes are judged binary / a wrong guess of cp1252.
_BINARY_CONTROL_SHARE = 0.05
_CP1252_CONTROL_SHARE = 0.01

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
_LIST_RE = re.compile(r"^(?:[-*+\u2022\u25aa\u25e6\u2013]\s|\d{1,3}[.)]\s)")
# UTF-8 encodings of accented Latin letters and of curly quotes/dashes: seen in bytes that are not UTF-8,
# they mean a file mixing encodings, which cp1252 would turn into mojibake ("cafÃ©").
_UTF8_TRACE_RE = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2\x80[\x93-\x9d]")
_SENTENCE_END = (".", "!", "?", ":")
_TRAILING_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "include", "includes", "including",
        "is", "like", "of", "on", "or", "such", "than", "that", "the", "to", "with",
    }
)  # fmt: skip
_DOCX_HEADING_RE = re.compile(r"^(?:Title|Heading [1-4])$")
_DROP_TAGS = (
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "svg", "img",
    "template", "button", "picture", "head", "video", "audio", "canvas", "object", "embed",
)  # fmt: skip
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary"})
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4"})
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "h5", "h6", "hr", "html", "main", "ol", "p", "pre", "section", "summary",
        "table", "ul",
    }
)  # fmt: skip
_FRONT_MATTER_RE = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)
_JUNK_PDF_TITLE_RE = re.compile(
    r"^(?:untitled\b|microsoft word\b|document\d*$)|\.(?:docx?|pdf|indd|rtf)$", re.I
)


# --------------------------------------------------------------------------------------------- public API


def load_document(path: Path, meta: SourceMeta) -> Document:
    """Read one source file into a Document with at least one non-empty Section.

    `meta` is kept as given, except that an empty title is filled from the file (see `read_title`).
    `content_hash` is the SHA-256 (hex) of the raw file bytes.

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
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def read_title(path: Path, raw_text: str | None = None) -> str:
    """A display title for a file that has no manifest entry; never raises for bad content.

    In order: the first line of a .txt when it is a title line (short, then a blank line, then text);
    a Markdown front-matter `title:` or first heading; an HTML <title> or first <h1>; a PDF's metadata
    title; a .docx's core-properties title or first Title/Heading 1 paragraph. Otherwise the file stem,
    prettified ("methotrexate_blood-tests" -> "Methotrexate blood tests").
    `raw_text` is the decoded text of a .txt/.md/.html file when the caller already has it.
    """
    path = Path(path)
    try:
        suffix = _suffix(path)
        if suffix in (".pdf", ".docx"):
            title = _binary_title(suffix, _read_bytes(path))
        else:
            text = raw_text if raw_text is not None else decode_text(_read_bytes(path))
            title = _TEXT_TITLES[suffix](text)
    except LoadError:
        title = ""
    return title or _pretty_stem(path)


def decode_text(raw: bytes) -> str:
    """Decode the bytes of a text file: UTF-16 with a BOM, UTF-8 (BOM or not), else clean cp1252.

    Raises:
        LoadError: binary content (NUL bytes, mostly control characters) or no encoding that fits.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict_decode(raw, "utf-16")
    elif b"\x00" in raw:
        raise LoadError(BINARY_ERROR)
    else:
        try:
            # utf-8-sig reads plain UTF-8 too, and drops a leading BOM.
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _decode_cp1252(raw)
    if _control_share(text) > _BINARY_CONTROL_SHARE:
        raise LoadError(BINARY_ERROR)
    return text


# ----------------------------------------------------------------------------------------- reading bytes


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


def _strict_decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise LoadError(ENCODING_ERROR) from exc


def _decode_cp1252(raw: bytes) -> str:
    text = _strict_decode(raw, "cp1252")
    if _UTF8_TRACE_RE.search(raw):
        raise LoadError(f"{ENCODING_ERROR}: mixes UTF-8 with another encoding")
    if _control_share(text) > _CP1252_CONTROL_SHARE:
        raise LoadError(ENCODING_ERROR)
    return text


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return len(_CONTROL_RE.findall(text)) / len(text)


# ------------------------------------------------------------------------------------------- text clean-up


def _normalize_chars(text: str) -> str:
    """NFC, \\n line ends, no control or invisible characters; spacing left as it is (Markdown needs it)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\f", "\n\n").replace("\t", " ")
    return _CONTROL_RE.sub("", text).translate(_INVISIBLE)


def _clean(text: str) -> str:
    """Normalized characters, single spaces, no blank-only lines, at most one blank line in a row."""
    lines = (" ".join(line.split()) for line in _normalize_chars(text).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _pretty_stem(path: Path) -> str:
    words = re.sub(r"[-_.\s]+", " ", path.stem).strip()
    if not words:
        return path.name
    return words[0].upper() + words[1:] if words.islower() else words


def _group_sections(blocks: Iterable[Block]) -> list[Section]:
    """Each heading starts a Section holding the paragraphs after it; headings without text vanish."""
    sections: list[Section] = []
    heading = ""
    paragraphs: list[str] = []
    for kind, text in blocks:
        if kind == "h":
            _append_section(sections, heading, paragraphs)
            heading, paragraphs = _one_line(text), []
        else:
            paragraphs.append(text)
    _append_section(sections, heading, paragraphs)
    return sections


def _append_section(sections: list[Section], heading: str, paragraphs: list[str]) -> None:
    text = _clean("\n\n".join(paragraphs))
    if text:
        sections.append(Section(text=text, heading=heading))


# ---------------------------------------------------------------------------------------------- plain text


def _parse_txt(raw: bytes) -> tuple[str, list[Section]]:
    paragraphs = [p for p in _clean(decode_text(raw)).split("\n\n") if p]
    title = _txt_title_of(paragraphs)
    blocks: list[Block] = [("h", paragraphs.pop(0))] if title else []
    blocks.extend(_txt_blocks(paragraphs))
    return title, _group_sections(blocks)


def _txt_title(text: str) -> str:
    return _txt_title_of(_clean(text).split("\n\n"))


def _txt_title_of(paragraphs: list[str]) -> str:
    """The first paragraph is the title when it is one short line and text follows it."""
    first = paragraphs[0] if paragraphs else ""
    is_title = (
        len(paragraphs) > 1
        and "\n" not in first
        and len(first) <= _MAX_TITLE_CHARS
        and not first.endswith(".")
        and not _LIST_RE.match(first)
    )
    return first if is_title else ""


def _txt_blocks(paragraphs: list[str]) -> Iterator[Block]:
    """A paragraph whose first line reads like a heading and is followed by prose opens a Section."""
    previous = ""
    for i, paragraph in enumerate(paragraphs):
        lines = paragraph.split("\n")
        following = lines[1] if len(lines) > 1 else _first_line(paragraphs, i + 1)
        if _is_heading_line(lines[0]) and _is_prose(following) and _may_precede_heading(previous):
            yield "h", lines.pop(0)
        if lines:
            yield "p", "\n".join(_unwrap_lines(lines))
        previous = paragraph.rsplit("\n", 1)[-1]


def _may_precede_heading(line: str) -> bool:
    """After a lead-in ("...include:") or an unpunctuated line, a short line is an unmarked list item."""
    return not line or line.endswith((".", "!", "?")) or bool(_LIST_RE.match(line))


def _first_line(paragraphs: list[str], index: int) -> str:
    return paragraphs[index].split("\n", 1)[0] if index < len(paragraphs) else ""


def _is_heading_line(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= _MAX_HEADING_WORDS
        and len(line) <= _MAX_HEADING_CHARS
        and (line[0].isupper() or line[0].isdigit())
        and not line.endswith((".", ",", ";", ":", "!"))
        and not _LIST_RE.match(line)
        and words[-1].lower() not in _TRAILING_WORDS
    )


def _is_prose(line: str) -> bool:
    return (
        bool(line) and not _LIST_RE.match(line) and (len(line.split()) >= 6 or line.endswith(_SENTENCE_END))
    )


def _unwrap_lines(lines: list[str]) -> list[str]:
    """Rejoin hard-wrapped text; only lowercase continuations, so short lines (lists) stay lines."""
    out: list[str] = []
    for line in lines:
        joins = out and len(out[-1]) >= 50 and not out[-1].endswith(_SENTENCE_END) and line[:1].islower()
        if joins:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


# -------------------------------------------------------------------------------------------- HTML / Markdown


def _parse_html(raw: bytes) -> tuple[str, list[Section]]:
    soup = BeautifulSoup(decode_text(raw), "lxml")
    title = _html_title(soup)
    _drop_chrome(soup)
    for root in _html_roots(soup):
        sections = _group_sections(_html_blocks(root))
        if sections:
            return title, sections
    return title, []


def _parse_markdown(raw: bytes) -> tuple[str, list[Section]]:
    title, soup = _markdown_soup(decode_text(raw))
    _drop_chrome(soup)
    return title, _group_sections(_html_blocks(soup))


def _html_title_from_text(text: str) -> str:
    return _html_title(BeautifulSoup(text, "lxml"))


def _markdown_title(text: str) -> str:
    return _markdown_soup(text)[0]


def _markdown_soup(text: str) -> tuple[str, BeautifulSoup]:
    """The title (front matter `title:`, else first heading) and the HTML rendered by markdown-it."""
    text = _normalize_chars(text)
    front_title = ""
    match = _FRONT_MATTER_RE.match(text)
    if match:
        text = text[match.end() :]
        found = re.search(r"^title:\s*(.+)$", match.group(1), re.M)
        front_title = _one_line(found.group(1).strip("'\"")) if found else ""
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    soup = BeautifulSoup(html, "lxml")
    return front_title or _first_heading(soup, ("h1", "h2", "h3", "h4", "h5", "h6")), soup


def _html_title(soup: BeautifulSoup) -> str:
    title = _one_line(soup.title.get_text(" ")) if soup.title else ""
    return title or _first_heading(soup, ("h1",))


def _first_heading(soup: BeautifulSoup, names: tuple[str, ...]) -> str:
    for tag in soup.find_all(names):
        text = _one_line(tag.get_text(" "))
        if text:
            return text
    return ""


def _drop_chrome(soup: BeautifulSoup) -> None:
    """Remove navigation, scripts, media and other page furniture in place."""
    for tag in soup.find_all(_DROP_TAGS):
        if tag.decomposed:  # already gone with a dropped ancestor
            continue
        # An <header> inside the article carries its title and summary: only the site's header is chrome.
        if tag.name == "header" and tag.find_parent(["main", "article"]):
            continue
        tag.decompose()
    for tag in soup.find_all(_is_hidden_or_chrome):
        if not tag.decomposed:
            tag.decompose()


def _is_hidden_or_chrome(tag: Tag) -> bool:
    return (
        tag.has_attr("hidden")
        or str(tag.get("aria-hidden", "")).lower() == "true"
        or str(tag.get("role", "")).lower() in _DROP_ROLES
    )


def _html_roots(soup: BeautifulSoup) -> list[list[Tag]]:
    """Candidate content roots, best first: <main>, else the outermost <article>s, else the whole page."""
    candidates: list[list[Tag]] = []
    main = soup.find("main")
    if isinstance(main, Tag):
        candidates.append([main])
    articles = [a for a in soup.find_all("article") if not a.find_parent("article")]
    if articles:
        candidates.append(articles)
    candidates.append([soup.body if isinstance(soup.body, Tag) else soup])
    return candidates


def _html_blocks(roots: Tag | list[Tag]) -> list[Block]:
    writer = _BlockWriter()
    for root in roots if isinstance(roots, list) else [roots]:
        _walk(root, writer, in_list=False, in_pre=False)
        writer.end_paragraph()
    return writer.blocks


class _BlockWriter:
    """Collects text met while walking HTML into heading and paragraph blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._lines: list[str] = []
        self._line: list[str] = []

    def text(self, text: str) -> None:
        self._line.append(text)

    def end_line(self) -> None:
        line = " ".join("".join(self._line).split())
        if line:
            self._lines.append(line)
        self._line = []

    def end_paragraph(self) -> None:
        self.end_line()
        if self._lines:
            self.blocks.append(("p", "\n".join(self._lines)))
        self._lines = []

    def heading(self, text: str) -> None:
        self.end_paragraph()
        if text.strip():
            self.blocks.append(("h", text))


def _walk(node: Tag, out: _BlockWriter, *, in_list: bool, in_pre: bool) -> None:
    """Depth-first text extraction: headings, paragraphs, list items and table rows keep their breaks."""
    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, CDATA
            continue
        if isinstance(child, NavigableString):
            _write_string(out, str(child), in_pre)
        elif isinstance(child, Tag):
            _walk_tag(child, out, in_list=in_list, in_pre=in_pre)


def _walk_tag(tag: Tag, out: _BlockWriter, *, in_list: bool, in_pre: bool) -> None:
    name = tag.name
    if name in _HEADING_TAGS and not in_list:
        out.heading(tag.get_text(" "))
    elif name == "br":
        out.end_line()
    elif name == "tr":
        out.end_line()
        out.text(_row_text(tag.find_all(["td", "th"], recursive=False)))
        out.end_line()
    elif name == "li":
        out.end_line()
        out.text(_list_marker(tag))
        _walk(tag, out, in_list=True, in_pre=in_pre)
        out.end_line()
    elif name in _BLOCK_TAGS:
        # Inside a list item, paragraphs and nested lists are lines of the same list, not new paragraphs.
        brk = out.end_line if in_list else out.end_paragraph
        brk()
        _walk(tag, out, in_list=in_list, in_pre=in_pre or name == "pre")
        brk()
    else:
        _walk(tag, out, in_list=in_list, in_pre=in_pre)


def _write_string(out: _BlockWriter, text: str, in_pre: bool) -> None:
    if not in_pre:
        out.text(re.sub(r"\s+", " ", text))
        return
    for i, line in enumerate(text.split("\n")):
        if i:
            out.end_line()
        out.text(line)


def _list_marker(item: Tag) -> str:
    parent = item.parent
    if not isinstance(parent, Tag) or parent.name != "ol":
        return "- "
    try:
        start = int(str(parent.get("start") or 1))
    except ValueError:
        start = 1
    return f"{start + len(item.find_previous_siblings('li'))}. "


def _row_text(cells: Iterable[Tag]) -> str:
    texts = (" ".join(cell.get_text(" ").split()) for cell in cells)
    return " | ".join(t for t in texts if t)


# --------------------------------------------------------------------------------------------------- PDF


def _parse_pdf(raw: bytes) -> tuple[str, list[Section]]:
    title, pages = _pdf_pages(raw)
    sections = []
    for number, page_text in enumerate(pages, start=1):
        text = _clean("\n\n".join(_pdf_paragraphs(_clean(page_text))))
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
        raise LoadError(f"corrupt PDF ({_short(exc)})") from exc
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
    title = _one_line(str(metadata.title or "")) if metadata else ""
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
        if line.endswith(_SENTENCE_END) and len(line) < 0.75 * width:
            paragraphs.append("\n".join(current))
            current = []
    paragraphs.append("\n".join(current))
    return [p for p in paragraphs if p]


def _add_pdf_line(current: list[str], line: str) -> None:
    if not current or _LIST_RE.match(line):
        current.append(line)
    elif re.search(r"[^\W\d_]-$", current[-1]) and line[:1].islower():
        current[-1] = current[-1][:-1] + line  # "treat-" + "ment": a word split at the line end
    else:
        current[-1] = f"{current[-1]} {line}"


# -------------------------------------------------------------------------------------------------- DOCX


def _parse_docx(raw: bytes) -> tuple[str, list[Section]]:
    document = _open_docx(raw)
    try:
        blocks = list(_docx_blocks(document))
    except Exception as exc:  # damaged XML inside a valid zip surfaces only while reading the body
        raise LoadError(f"corrupt .docx ({_short(exc)})") from exc
    return _docx_title(document), _group_sections(blocks)


def _open_docx(raw: bytes) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises zip, XML and package errors alike
        raise LoadError(f"corrupt .docx (not a readable Word file: {_short(exc)})") from exc


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
    title = _one_line(document.core_properties.title or "")
    if title:
        return title
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style in ("Title", "Heading 1") and paragraph.text.strip():
            return _one_line(paragraph.text)
    return ""


# ---------------------------------------------------------------------------------------------- dispatch


def _binary_title(suffix: str, raw: bytes) -> str:
    if suffix == ".docx":
        return _docx_title(_open_docx(raw))
    try:
        return _pdf_title(PdfReader(io.BytesIO(raw)))
    except Exception:  # a damaged PDF just has no usable title here; load_document reports the damage
        return ""


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."


_PARSERS = {
    ".txt": _parse_txt,
    ".md": _parse_markdown,
    ".markdown": _parse_markdown,
    ".html": _parse_html,
    ".htm": _parse_html,
    ".pdf": _parse_pdf,
    ".docx": _parse_docx,
}
_TEXT_TITLES = {
    ".txt": _txt_title,
    ".md": _markdown_title,
    ".markdown": _markdown_title,
    ".html": _html_title_from_text,
    ".htm": _html_title_from_text,
}
