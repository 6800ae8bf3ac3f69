"""Reading grade of patient-facing text: Flesch-Kincaid grade level, offline.

Uses the ``readability`` package (pure Python, no downloads at run time; ``textstat`` would fetch a
dictionary). It wants one sentence per line, so text is split with the project's one sentence splitter
and citation markers are removed first.
"""

from __future__ import annotations

from functools import lru_cache

from citecare.text import split_sentences, strip_markers


@lru_cache(maxsize=20_000)
def reading_grade(text: str) -> float | None:
    """Flesch-Kincaid grade of ``text`` (US school grade), None when there is nothing to measure."""
    sentences = [s for s in split_sentences(strip_markers(text)) if any(ch.isalpha() for ch in s)]
    if not sentences:
        return None
    import readability  # type: ignore[import-untyped]

    try:
        measures = readability.getmeasures("\n".join(sentences), lang="en")
    except ValueError:  # no words it can count
        return None
    return round(float(measures["readability grades"]["Kincaid"]), 1)
