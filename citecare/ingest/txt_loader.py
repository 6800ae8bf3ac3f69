"""Plain-text (.txt) files → title and Sections: a title line, heading lines, hard-wrapped paragraphs.

Plain text has no markup, so structure is read from layout: a short first line followed by text is the
title; a short capitalised line followed by prose opens a Section; lowercase continuation lines are rejoined.
"""

from __future__ import annotations

from collections.abc import Iterator

from citecare.ingest.blocks import LIST_RE, SENTENCE_END, Block, clean, group_sections
from citecare.ingest.decoding import decode_text
from citecare.ingest.structure import join_lead_in_lists, label_pieces, rejoin_broken
from citecare.types import Section

# Titles of the reference corpus run to ~200 characters ("Topic - Question? (Publisher)"); prose runs longer.
_MAX_TITLE_CHARS = 250
_MAX_HEADING_CHARS = 80
_MAX_HEADING_WORDS = 12
_TRAILING_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "include", "includes", "including",
        "is", "like", "of", "on", "or", "such", "than", "that", "the", "to", "with",
    }
)  # fmt: skip


def parse_txt(raw: bytes) -> tuple[str, list[Section]]:
    """The title ("" when the file has no title line) and the Sections of a .txt file."""
    paragraphs = [p for p in clean(decode_text(raw)).split("\n\n") if p]
    title = _txt_title_of(paragraphs)
    blocks: list[Block] = [("h", paragraphs.pop(0))] if title else []
    run: list[str] = []  # paragraphs between label headings read as before: a heading line opens a Section
    for kind, text in label_pieces(join_lead_in_lists(rejoin_broken(paragraphs))):
        if kind == "p":
            run.append(text)
            continue
        blocks.extend(_txt_blocks(run))
        blocks.append(("h", text))
        run = []
    blocks.extend(_txt_blocks(run))
    return title, group_sections(blocks)


def _txt_title_of(paragraphs: list[str]) -> str:
    """The first paragraph is the title when it is one short line and text follows it."""
    first = paragraphs[0] if paragraphs else ""
    is_title = (
        len(paragraphs) > 1
        and "\n" not in first
        and len(first) <= _MAX_TITLE_CHARS
        and not first.endswith(".")
        and not LIST_RE.match(first)
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
    return not line or line.endswith((".", "!", "?")) or bool(LIST_RE.match(line))


def _first_line(paragraphs: list[str], index: int) -> str:
    return paragraphs[index].split("\n", 1)[0] if index < len(paragraphs) else ""


def _is_heading_line(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= _MAX_HEADING_WORDS
        and len(line) <= _MAX_HEADING_CHARS
        and (line[0].isupper() or line[0].isdigit())
        and not line.endswith((".", ",", ";", ":", "!"))
        and not LIST_RE.match(line)
        and words[-1].lower() not in _TRAILING_WORDS
    )


def _is_prose(line: str) -> bool:
    return (
        bool(line) and not LIST_RE.match(line) and (len(line.split()) >= 6 or line.endswith(SENTENCE_END))
    )


def _unwrap_lines(lines: list[str]) -> list[str]:
    """Rejoin hard-wrapped text; only lowercase continuations, so short lines (lists) stay lines."""
    out: list[str] = []
    for line in lines:
        joins = out and len(out[-1]) >= 50 and not out[-1].endswith(SENTENCE_END) and line[:1].islower()
        if joins:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out
