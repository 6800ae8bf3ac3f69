"""Reading grade of patient-facing text: Flesch-Kincaid grade level, offline; and what hard reading costs a sentence
when the answer writer chooses between sentences.

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


PLAIN_GRADE = 8.0  # a sentence above this grade loses some relevance…
PLAIN_PER_GRADE = 0.02  # …this much per grade above it…
PLAIN_AT_MOST = 0.16  # …up to this much (grade 16): of two equally relevant sentences the plainer is chosen, while a
# clearly more relevant one still wins (the key point of an answer is often in a long sentence: on the dev split the
# plainest candidate sentence that carries it has a median grade of 11.3). Whether a sentence is relevant enough to
# quote at all is judged with half this cost (``compose``).


def plainness_cost(text: str) -> float:
    """Relevance ``text`` loses for being hard to read: PLAIN_PER_GRADE per grade above PLAIN_GRADE, at most
    PLAIN_AT_MOST; 0.0 for text whose grade cannot be measured."""
    return min(PLAIN_AT_MOST, PLAIN_PER_GRADE * max(0.0, (reading_grade(text) or 0.0) - PLAIN_GRADE))
