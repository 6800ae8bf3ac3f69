"""The evidence gate, wholly here: is what retrieval and the composer found enough to answer?

In code, not in a prompt: weak evidence means "my sources don't cover that", never a guess.
"""

from __future__ import annotations

from citecare.answer.compose import Composition
from citecare.answer.retrieval import Retrieval
from citecare.config import Settings


def enough_evidence(found: Retrieval, composition: Composition, settings: Settings) -> bool:
    """Evidence when a passage is close in meaning and shares the question's words, or a source sentence
    is close in meaning and the passages share enough of the question's words."""
    if not found.hits or not composition.text:
        return False
    s = settings
    passage_close = (found.best_similarity >= s.strong_dense_score and found.overlap >= s.min_strong_overlap) or (
        found.best_similarity >= s.min_dense_score and found.overlap >= s.min_overlap
    )
    sentence_close = composition.best_similarity >= s.min_sentence_score and found.overlap >= s.min_sentence_overlap
    return passage_close or sentence_close
