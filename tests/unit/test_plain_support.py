"""Of two equally relevant supporting sentences the answer writer quotes the plainer (issue 10, readability)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from citecare.answer.compose import Composition, ExtractiveComposer
from citecare.answer.readability import (
    PLAIN_AT_MOST,
    PLAIN_GRADE,
    PLAIN_PER_GRADE,
    plainness_cost,
    reading_grade,
)
from citecare.text import sentence_fingerprint, split_sentences
from citecare.types import Chunk, Hit, SourceMeta
from tests.fakes import FakeEmbedder

HARD = ("Doctors treat gout through pharmacological anti-inflammatory immunomodulatory interventions administered "
        "intravenously.")
PLAIN = "Doctors treat gout with rest, ice and pills you take by mouth."
LEAD = "Doctors treat gout attacks quickly with medicines."


def _unit(*xs: float) -> np.ndarray:
    v = np.zeros(64, dtype=np.float32)
    v[: len(xs)] = xs
    return v / np.linalg.norm(v)


def test_plainness_costs_a_little_per_grade_above_eight_and_no_more_than_its_cap() -> None:
    assert plainness_cost(PLAIN) == 0.0 and (reading_grade(PLAIN) or 0.0) <= PLAIN_GRADE
    hard = reading_grade(HARD) or 0.0
    assert hard > PLAIN_GRADE + PLAIN_AT_MOST / PLAIN_PER_GRADE  # far above: the cost is capped
    assert plainness_cost(HARD) == PLAIN_AT_MOST
    assert PLAIN_PER_GRADE == 0.02 and PLAIN_AT_MOST == 0.16  # measured on the dev split (evals/README.md)


def _compose(sentences: list[str]) -> Composition:
    """The answer (lead and one supporting sentence) from one passage of ``sentences``, the last of which is the
    lead: it is the closest to the question; the others are equally close to it (the same stored vector)."""
    text = " ".join(sentences)
    chunk = Chunk(chunk_id="gout-0", doc_id="gout", text=text, ordinal=1,
                  meta=SourceMeta(doc_id="gout", title="Gout - What are the treatments for Gout? (NIH)", publisher="NIH"))
    assert split_sentences(text) == sentences
    vectors = {sentence_fingerprint(s): _unit(0.2, 1.0) for s in sentences[:-1]} | {
        sentence_fingerprint(sentences[-1]): _unit(1.0, 0.6)}

    def stored(chunk_ids: Sequence[str]) -> Mapping[str, Mapping[int, np.ndarray]]:
        return {"gout-0": vectors}

    question = "how do doctors treat gout"
    composer = ExtractiveComposer(FakeEmbedder(), max_sentences=2, stored=stored)
    return composer.compose(question, _unit(1.0, 1.0).tolist(), [Hit(chunk=chunk, score=1.0)])


def test_of_two_equally_relevant_supporting_sentences_the_plainer_is_quoted() -> None:
    # The hard sentence comes first in the passage: with no cost for hard reading, ties keep source order.
    out = _compose([HARD, PLAIN, LEAD])
    assert [c.source_sentence for c in out.used] == [LEAD, PLAIN]
    assert out.grades[1] <= PLAIN_GRADE < (reading_grade(HARD) or 0.0)


def test_the_full_cost_of_hard_reading_does_not_drop_a_supporting_sentence_that_is_relevant_enough() -> None:
    # Alone, the hard sentence is relevant enough to support the lead: the full cost of its reading grade decides
    # between sentences; the support floor sees only half of it.
    out = _compose([HARD, LEAD])
    assert [c.source_sentence for c in out.used] == [LEAD, HARD]
