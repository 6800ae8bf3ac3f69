"""HTML (.html, .htm) and Markdown (.md) files → title and Sections, without page furniture.

Markdown is rendered to HTML (markdown-it) first, so both share one walk: headings open Sections,
paragraphs, list items, table rows and <pre> lines keep their breaks; navigation, scripts, media, forms and
hidden elements are dropped, and the main content (<main>, else <article>s, else <body>) is preferred.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from markdown_it import MarkdownIt

from citecare.ingest.blocks import Block, group_sections, normalize_chars, one_line
from citecare.ingest.decoding import decode_text
from citecare.types import Section

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


def parse_html(raw: bytes) -> tuple[str, list[Section]]:
    """The title (<title>, else the first <h1>) and the Sections of the page's main content."""
    soup = BeautifulSoup(decode_text(raw), "lxml")
    title = _html_title(soup)
    _drop_chrome(soup)
    for root in _html_roots(soup):
        sections = group_sections(_html_blocks(root))
        if sections:
            return title, sections
    return title, []


def parse_markdown(raw: bytes) -> tuple[str, list[Section]]:
    """The title (front matter `title:`, else the first heading) and the Sections of a Markdown file."""
    title, soup = _markdown_soup(decode_text(raw))
    _drop_chrome(soup)
    return title, group_sections(_html_blocks(soup))


def _markdown_soup(text: str) -> tuple[str, BeautifulSoup]:
    """The title (front matter `title:`, else first heading) and the HTML rendered by markdown-it."""
    text = normalize_chars(text)
    front_title = ""
    match = _FRONT_MATTER_RE.match(text)
    if match:
        text = text[match.end() :]
        found = re.search(r"^title:\s*(.+)$", match.group(1), re.M)
        front_title = one_line(found.group(1).strip("'\"")) if found else ""
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    soup = BeautifulSoup(html, "lxml")
    return front_title or _first_heading(soup, ("h1", "h2", "h3", "h4", "h5", "h6")), soup


def _html_title(soup: BeautifulSoup) -> str:
    title = one_line(soup.title.get_text(" ")) if soup.title else ""
    return title or _first_heading(soup, ("h1",))


def _first_heading(soup: BeautifulSoup, names: tuple[str, ...]) -> str:
    for tag in soup.find_all(names):
        text = one_line(tag.get_text(" "))
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
