"""Abbreviations a library defines for its own topics: "Multiple sclerosis (MS) is a nervous system disease…"
says that a patient's "relapsing remitting ms" is about multiple sclerosis. Read from the documents' text, so it
holds for any library, not a list of synonyms.

An abbreviation counts only when the library never uses it as an ordinary lowercase word: "Ankylosing spondylitis
(AS)" does not make every "as" a subject, while "ms", "ra" and "uc" are written in lowercase only by patients.
Two topics defined with one abbreviation cancel it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from citecare.text import fold

_ABBREVIATION = re.compile(r"\s\(([A-Z]{2,6})s?\)")
_NAME_BEFORE = 80  # characters before "(MS)" that hold the name it abbreviates
# An abbreviation written in lowercase this many times or more is an everyday word of the library ("as", "am").
LOWERCASE_USES_AT_MOST = 2


def acronym(name: str) -> str:
    """The initials of a name of three words or more ('complex regional pain syndrome' → 'crps'), else ''."""
    parts = [p for p in re.split(r"[\s-]+", name) if p]
    return "".join(p[0] for p in parts) if len(parts) >= 3 else ""


def _letters_of(abbreviation: str, name: str) -> bool:
    """Is the abbreviation made of the name's letters, in order, from its first ("tpmt" of "thiopurine
    s-methyltransferase deficiency"; not "caps" of "antiphospholipid syndrome", said of its catastrophic form)?"""
    letters = iter(name)
    return abbreviation[:1] == name[:1] and all(ch in letters for ch in abbreviation)


def defined_abbreviations(texts: Iterable[str], topics: Iterable[str]) -> dict[str, str]:
    """Lowercase abbreviation → the topic it stands for, from "<topic> (<ABBR>)" in ``texts``."""
    return read_abbreviations(texts, topics)[0]


def read_abbreviations(texts: Iterable[str], topics: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(lowercase abbreviation → topic, as ``defined_abbreviations``; and the abbreviations the library also writes
    as an ordinary lowercase word, in capitals → topic: "AS" is ankylosing spondylitis only written "AS")."""
    by_last_word: dict[str, list[str]] = {}
    for topic in topics:
        by_last_word.setdefault(topic.replace("-", " ").split()[-1], []).append(topic)
    texts = list(texts)
    found: dict[str, set[str]] = {}
    for text in texts:
        for m in _ABBREVIATION.finditer(text):
            before = " " + " ".join(fold(text[max(0, m.start() - _NAME_BEFORE):m.start()]).replace("-", " ").split())
            # "Thiopurine S-methyltransferase (TPMT) deficiency": the name may go on after the brackets
            after = fold(text[m.end():m.end() + 20]).split()[:1]
            for name in (before, f"{before} {after[0]}" if after else before):
                for topic in by_last_word.get(name.rsplit(" ", 1)[-1], ()):
                    if name.endswith(" " + topic.replace("-", " ")) and _letters_of(m.group(1).lower(), topic):
                        found.setdefault(m.group(1).lower(), set()).add(topic)
    lowercase: Counter[str] = Counter()
    if found:  # how often each candidate is written as an ordinary lowercase word
        as_word = re.compile(r"(?<![\w'-])(?:" + "|".join(sorted(found)) + r")(?![\w'-])")
        for text in texts:
            lowercase.update(as_word.findall(text))
    unique = {abbr: next(iter(named)) for abbr, named in found.items() if len(named) == 1 and abbr not in named}
    return ({a: t for a, t in unique.items() if lowercase[a] < LOWERCASE_USES_AT_MOST},
            {a.upper(): t for a, t in unique.items() if lowercase[a] >= LOWERCASE_USES_AT_MOST})


# A text with more capitals than this share of its letters is shouting or a label heading, not an abbreviation.
_CAPITALS_AT_MOST = 0.5


class CapitalsOnly:
    """Finds abbreviations that are also everyday words ("AS", "IT") where a text writes them in capitals."""

    def __init__(self, topics_by_abbreviation: Mapping[str, str]) -> None:
        self.topics = dict(topics_by_abbreviation)
        names = "|".join(sorted(map(re.escape, self.topics), key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![\w'-])({names})(?![\w'-])") if names else None

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, topic, abbreviation as written) of each one in ``text``."""
        if self._pattern is None:
            return []
        letters = [ch for ch in text if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) > _CAPITALS_AT_MOST * len(letters):
            return []
        return [(m.start(), m.end(), self.topics[m.group(1)], m.group(1)) for m in self._pattern.finditer(text)]


def abbreviations_by_topic(abbreviations: Mapping[str, str]) -> dict[str, list[str]]:
    """Topic → its abbreviations."""
    out: dict[str, list[str]] = {}
    for abbr, topic in sorted(abbreviations.items()):
        out.setdefault(topic, []).append(abbr)
    return out
