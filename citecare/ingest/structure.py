"""Structure of plain-text sources that the text itself does not mark: drug-label headings and lists.

Drug labels (DailyMed) and fact sheets copied as text keep their structure only as lines:
- numbered section headings inside a paragraph ("2.5 Ankylosing Spondylitis", then the text of 2.5);
- short headings ending in a colon ("Musculoskeletal:", "With NSAIDs:"), then what they head;
- lists of short items under such a heading, one per line or paragraph ("Sodium retention." "Fluid retention.").
Read as prose, a heading fuses with the next sentence ("2.5 Ankylosing Spondylitis For AS, the dosage…") and
each list item becomes a sentence of its own ("Pathologic fracture of long bones."). Here headings become
headings (the chunk records them, so a passage keeps what it is about) and a run of items under a heading
becomes one line, "Sodium retention; Fluid retention; Hypertension.", that can be quoted whole with its heading.

A sentence broken across a blank line ("…your pregnant patients and their" / "growing families healthy.") is
joined again. Everything here looks at the shape of lines, never at a topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\s+([A-Z][^.;:!?]{1,70})$")
_COLON_HEADING = re.compile(r"^([A-Z][\w ,&/()'’-]{1,60}):$")
# Words that make a line a lead-in ("Symptoms to report include:"), not a heading.
_LEAD_IN_WORDS = frozenset("""include includes including are is was were be may can could should must will would
    following such these those this that your you if when take taking do does see ask tell""".split())
_MAX_HEADING_WORDS = 6
_MAX_ITEM_WORDS = 12
_MIN_LIST_ITEMS = 3
_ENDS_SENTENCE = (".", "!", "?", ":", ";", ")", '"', "”")

Piece = tuple[str, str]  # ("h", heading) or ("p", paragraph text)


def label_heading(line: str) -> str:
    """The heading a line is ('' when it is not one): '2.5 Ankylosing Spondylitis' → 'Ankylosing Spondylitis',
    'With NSAIDs:' → 'With NSAIDs'."""
    line = line.strip()
    if m := _NUMBERED_HEADING.match(line):
        heading = m.group(2).strip()
        return heading if len(heading.split()) <= 10 else ""
    if m := _COLON_HEADING.match(line):
        words = m.group(1).split()
        if len(words) <= _MAX_HEADING_WORDS and not {w.lower() for w in words} & _LEAD_IN_WORDS:
            return m.group(1).strip()
    return ""


def _is_item(line: str) -> bool:
    """A short list entry: a few words, no colon, at most one full stop (at its end)."""
    text = line.strip()
    words = text.split()
    return (0 < len(words) <= _MAX_ITEM_WORDS and ":" not in text and not label_heading(text)
            and text.rstrip(".").count(".") == 0 and not text.endswith(("?", "!", ",", ";")))


def rejoin_broken(paragraphs: list[str]) -> list[str]:
    """Join a paragraph that stops mid-sentence with the next one when that goes on in lowercase."""
    out: list[str] = []
    for paragraph in paragraphs:
        if out and not out[-1].rstrip().endswith(_ENDS_SENTENCE) and paragraph[:1].islower():
            out[-1] = f"{out[-1].rstrip()} {paragraph.lstrip()}"
        else:
            out.append(paragraph)
    return out


# A lead-in that runs on into the list under it ("Side effects of corticosteroids include", "…treats Crohn's
# disease with"): its last word.
_RUNS_ON = frozenset("""include includes including are is were as with by of for to from such following""".split())
_BULLET = re.compile(r"^\s*[-*+\u2022]\s+")
_MAX_RUN_ON_ITEM_WORDS = 20
_MIN_RUN_ON_WORDS = 3


def join_lead_in_lists(paragraphs: list[str]) -> list[str]:
    """A one-line lead-in that runs on into the bulleted list after it becomes one sentence with the list:
    "Side effects of corticosteroids include" + "- acne", "- high blood glucose" → "Side effects of
    corticosteroids include acne; high blood glucose." Read apart, the lead-in was unquotable and each item a
    fragment ("high blood glucose"), so the page could not answer "does prednisone raise blood sugar". Lists
    of long items (with sentences of their own) stay as they are."""
    out: list[str] = []
    for paragraph in paragraphs:
        lead = out[-1] if out else ""
        lines = paragraph.split("\n")
        items = [_BULLET.sub("", line).strip() for line in lines]
        if (lead and "\n" not in lead and len(lead.split()) >= _MIN_RUN_ON_WORDS
                and lead.split()[-1].lower() in _RUNS_ON and len(lines) >= 2
                and all(_BULLET.match(line) for line in lines)
                and all(0 < len(i.split()) <= _MAX_RUN_ON_ITEM_WORDS and ". " not in i.rstrip(".") for i in items)):
            out[-1] = f"{lead.rstrip()} {'; '.join(i.rstrip('.;, ') for i in items)}."
        else:
            out.append(paragraph)
    return out


def _join_items(items: list[str]) -> str:
    return "; ".join(i.strip().rstrip(".") for i in items) + "."


def label_pieces(paragraphs: list[str]) -> list[Piece]:
    """Paragraphs split at label headings, with lists under a heading joined into one line. A text without
    label headings comes back as its paragraphs, unchanged."""
    lines: list[tuple[str, bool]] = []  # (line, starts a paragraph)
    for paragraph in paragraphs:
        lines.extend((line, i == 0) for i, line in enumerate(paragraph.split("\n")))
    if not any(label_heading(line) for line, _ in lines):
        return [("p", p) for p in paragraphs]
    return list(_pieces(lines))


def _pieces(lines: list[tuple[str, bool]]) -> Iterator[Piece]:
    current: list[str] = []

    def flush() -> Iterator[Piece]:
        if current:
            yield "p", "\n".join(current)
            current.clear()

    i = 0
    while i < len(lines):
        line, starts = lines[i]
        heading = label_heading(line)
        if heading and i + 1 < len(lines) and not label_heading(lines[i + 1][0]):
            yield from flush()
            yield "h", heading
            j = i + 1
            while j < len(lines) and _is_item(lines[j][0]):
                j += 1
            if j - (i + 1) >= _MIN_LIST_ITEMS:
                yield "p", _join_items([text for text, _ in lines[i + 1 : j]])
                i = j
            else:
                i += 1
            continue
        if starts:
            yield from flush()
        current.append(line)
        i += 1
    yield from flush()
