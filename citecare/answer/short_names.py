"""Short names a library gives its own topics: "Systemic Lupus Erythematosus (Lupus)" says that a page on systemic
lupus erythematosus ("Systemic lupus erythematosus - Is it inherited?") is about lupus, which is how patients
name it. Read from the titles, so it holds for any library, not a list of synonyms.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from citecare.text import fold, stem, words

_NAME_WITH_SHORT_NAME = re.compile(r"([^()]+?)\s*\(([^()]+)\)")


def _stems(text: str) -> set[str]:
    return {stem(w.strip("'-")) for w in words(text) if w.strip("'-")}


def short_names(title_heads: Iterable[str], topics: Iterable[str]) -> dict[str, str]:
    """Topic → the shorter topic the library also calls it, from title heads of the form "Long name (short
    name)". Only a short name made of the long one's own words counts: "Lupus and Kidney Disease (Lupus
    Nephritis)" names a narrower topic and "Multiple sclerosis (Treatment)" a section."""
    known = set(topics)
    out: dict[str, str] = {}
    for head in title_heads:
        m = _NAME_WITH_SHORT_NAME.fullmatch(fold(head).strip())
        if not m:
            continue
        long, brief = (" ".join(words(g)) for g in m.groups())
        if long in known and brief in known and long != brief and _stems(brief) < _stems(long):
            out[long] = brief
    return out


# Shorter words are too often the start of something else ("lupus", "giant").
_MIN_LEADING_WORD = 6


def leading_words(topics: Iterable[str], is_everyday: Callable[[str], bool]) -> dict[str, str]:
    """First word → its topic, when patients name the topic by that word alone: "how quickly does prednisone
    work for polymyalgia" asks about polymyalgia rheumatica, "hidradenitis" is hidradenitis suppurativa. Only a
    word that starts no other topic, is no topic itself and is no everyday word ("juvenile arthritis" is not
    "juvenile", nor would "herpes zoster" be "herpes"), and only when the words it leaves out are no everyday
    words either: "pertussis vaccines" are vaccines, not pertussis. Names are matched by stem, so neither may the
    word's stem be an everyday word: "ulcerative" would name ulcerative colitis in every sentence on ulcers."""
    known = set(topics)
    multi = [t for t in known if len(t.split()) >= 2]
    starts = Counter(t.split()[0] for t in multi)
    out: dict[str, str] = {}
    for topic in multi:
        first = topic.split()[0]
        rest = topic.split()[1:]
        if starts[first] == 1 and first not in known and len(first) >= _MIN_LEADING_WORD and first.isalpha() \
                and not is_everyday(first) and not is_everyday(stem(first)) and not any(is_everyday(w) for w in rest):
            out[first] = topic
    return out


# A shorter start names too much ("arth", "lupu"); a clipping of one letter is a typo, not a short name.
_MIN_CLIPPED = 5
_MIN_CUT = 2


def clipped_topic(word: str, topics: Iterable[str]) -> str | None:
    """The topic a patient names by the start of its first word, as "does everyone with sarcoid need treatment"
    names sarcoidosis: a word that begins the first word of one topic only, cut short by two letters or more.
    Asked only for words no document uses (``unknown_names``), which an everyday word never is."""
    if len(word) < _MIN_CLIPPED or not word.isalpha():
        return None
    found = [t for t in topics if (first := t.split()[0]).startswith(word) and len(first) >= len(word) + _MIN_CUT]
    if len({t.split()[0] for t in found}) != 1:
        return None
    return min(found, key=lambda t: (len(t.split()), t))  # "fibromyalgia" rather than "fibromyalgia syndrome"
