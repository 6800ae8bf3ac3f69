"""The shape every loader reduces a file to, and the text clean-up the loaders share.

A file becomes a list of blocks, each a heading ("h") or a paragraph ("p"); `group_sections` turns them into
Sections (a heading and the paragraphs under it). `clean` and `one_line` normalise characters and spacing the
same way for every format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from citecare.ingest.decoding import CONTROL_RE
from citecare.types import Section

Block = tuple[Literal["h", "p"], str]

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
LIST_RE = re.compile(r"^(?:[-*+\u2022\u25aa\u25e6\u2013]\s|\d{1,3}[.)]\s)")
SENTENCE_END = (".", "!", "?", ":")


def normalize_chars(text: str) -> str:
    """NFC, \\n line ends, no control or invisible characters; spacing left as it is (Markdown needs it)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\f", "\n\n").replace("\t", " ")
    return CONTROL_RE.sub("", text).translate(_INVISIBLE)


def clean(text: str) -> str:
    """Normalized characters, single spaces, no blank-only lines, at most one blank line in a row."""
    lines = (" ".join(line.split()) for line in normalize_chars(text).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def one_line(text: str) -> str:
    """`clean` text on a single line (titles and headings)."""
    return " ".join(clean(text).split())


def group_sections(blocks: Iterable[Block]) -> list[Section]:
    """Each heading starts a Section holding the paragraphs after it; headings without text vanish."""
    sections: list[Section] = []
    heading = ""
    paragraphs: list[str] = []
    for kind, text in blocks:
        if kind == "h":
            _append_section(sections, heading, paragraphs)
            heading, paragraphs = one_line(text), []
        else:
            paragraphs.append(text)
    _append_section(sections, heading, paragraphs)
    return sections


def _append_section(sections: list[Section], heading: str, paragraphs: list[str]) -> None:
    text = clean("\n\n".join(paragraphs))
    if text:
        sections.append(Section(text=text, heading=heading))


def short_reason(exc: BaseException) -> str:
    """A library's exception as a short reason for a LoadError (damaged PDF or Word files)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."
