"""Short names a library gives its own topics: "Systemic Lupus Erythematosus (Lupus)" says that a page on systemic
lupus erythematosus ("Systemic lupus erythematosus - Is it inherited?") is about lupus, which is how patients
name it. Read from the titles, so it holds for any library, not a list of synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
