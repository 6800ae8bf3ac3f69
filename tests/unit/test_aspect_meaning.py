"""The asked aspect in meaning: words that carry the question must be close to some sentence on the subject."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from citecare.answer.aspect_meaning import (
    JOINT_MEANING_DROP,
    MEANING_DROP,
    TRANSLATED_MEANING_DROP,
    WORD_SENTENCE_SIMILARITY,
    aspect_unmet,
)
from citecare.text import stem


def _unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def _embedder(table: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def embed(text: str) -> list[float]:
        asked.append(text)
        return table[text].tolist()

    return embed, asked


def _at_cosine(c: float, axis: int = 1) -> np.ndarray:
    """A unit vector at cosine ``c`` to (1, 0, 0), leaning towards ``axis``."""
    v = np.zeros(3, dtype=np.float32)
    v[0], v[axis] = c, np.sqrt(1 - c * c)
    return v


def test_a_word_that_carries_the_question_must_be_close_to_some_sentence() -> None:
    question = _unit(1, 0, 0)
    leaving_it_out = _unit(1, 1, 0)  # "is lupus" is 0.29 away from "is lupus contagious": the word carries it
    far = np.stack([_unit(1, 0, 0.2), _unit(0, 0, 1)])
    embed, asked = _embedder({"is lupus": leaving_it_out, "contagious": _unit(0, 1, 0)})
    assert aspect_unmet("is lupus contagious", question, {stem("contagious")}, far, embed) == ("contagious",)
    assert asked == ["is lupus", "contagious"]  # only question words are embedded, never a source sentence
    near = np.vstack([far, _unit(0.3, 1, 0)[None, :]])  # "…is not contagious" in other words
    assert aspect_unmet("is lupus contagious", question, {stem("contagious")}, near, embed) == ()


def test_the_thresholds_decide_on_either_side() -> None:
    question = _unit(1, 0, 0)
    sentences = np.stack([_unit(0, 0, 1)])
    for drop, carries in ((MEANING_DROP + 0.01, True), (MEANING_DROP - 0.01, False)):
        embed, _ = _embedder({"is lupus": _at_cosine(1 - drop), "contagious": _unit(0, 1, 0)})
        expected = ("contagious",) if carries else ()
        assert aspect_unmet("is lupus contagious", question, {stem("contagious")}, sentences, embed) == expected
    word = _unit(0, 1, 0)
    for similarity, speaks in ((WORD_SENTENCE_SIMILARITY + 0.01, True), (WORD_SENTENCE_SIMILARITY - 0.01, False)):
        sentence = np.stack([_at_cosine(similarity, axis=2)[[1, 0, 2]]])  # at that cosine to the word (0, 1, 0)
        embed, _ = _embedder({"is lupus": _unit(1, 1, 0), "contagious": word})
        expected = () if speaks else ("contagious",)
        assert aspect_unmet("is lupus contagious", question, {stem("contagious")}, sentence, embed) == expected


def test_filler_words_do_not_count_as_the_aspect_whatever_their_rarity() -> None:
    question = _unit(1, 0, 0)
    embed, asked = _embedder({"are biologics as immunosuppressants": _unit(1, 0.1, 0)})  # "counted" moves it by 0.005
    sentences = np.stack([_unit(0, 0, 1)])
    assert aspect_unmet("are biologics counted as immunosuppressants", question, {stem("counted")}, sentences,
                        embed) == ()
    assert asked == ["are biologics as immunosuppressants"]
    assert aspect_unmet("are biologics counted", question, set(), sentences, embed) == ()  # no aspect words
    assert aspect_unmet("is lupus contagious", question, {stem("contagious")}, np.zeros((0, 3)), embed) == ()


def test_the_evidence_gate_refuses_an_unmet_aspect() -> None:
    from citecare.answer.compose import Composition
    from citecare.answer.evidence import evidence_verdict
    from citecare.answer.retrieval import Retrieval
    from citecare.answer.subject import Focus, Subject
    from citecare.config import Settings
    from citecare.types import Chunk, Hit, SourceMeta

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    meta = SourceMeta(doc_id="lupus", title="Lupus", publisher="NIH")
    chunk = Chunk(chunk_id="lupus-0", doc_id="lupus", text="Lupus is a long-term illness.", ordinal=1, meta=meta)
    found = Retrieval("q", (Hit(chunk=chunk, score=1.0),), (), best_similarity=0.7, overlap=1.0)
    answer = Composition("Lupus is a long-term illness. [1]", (), (), best_similarity=0.7, aspect_coverage=0.0)
    focus = Focus(subjects=(Subject("lupus", "lupus"),), aspect_terms=frozenset({"food"}))
    assert evidence_verdict(found, answer, settings, focus) == (True, "")
    assert evidence_verdict(found, replace(answer, aspect_unmet=("foods",)), settings, focus) == (False, "aspect")


def test_a_word_the_lay_vocabulary_translates_is_unmet_when_its_stand_ins_are_missing() -> None:
    """"breastfeeding" was looked for as lactation / nursing mothers in the passages and is not there: a sentence
    close to the word in meaning ("…come with risks") does not answer it, nor does it need to move the question."""
    question = _unit(1, 0, 0)
    embed, asked = _embedder({"safe while": _unit(1, 1, 0), "breastfeeding": _unit(0.3, 1, 0),
                              "safe while breastfeeding": _unit(1, 0, 0)})
    near = np.stack([_unit(0.3, 1, 0)])
    word = {stem("breastfeeding")}
    assert aspect_unmet("safe while breastfeeding", question, word, near, embed) == ()  # untranslated: met
    assert aspect_unmet("safe while breastfeeding", question, word, near, embed,
                        translated=frozenset(word)) == ("breastfeeding",)
    assert asked[-2:] == ["safe while breastfeeding", "safe while"]  # its weight, on the question as written
    # A translated word that hardly moves the question is context, not the aspect.
    context, _ = _embedder({"safe while": _at_cosine(1 - TRANSLATED_MEANING_DROP / 2), "breastfeeding": _unit(0, 1, 0),
                            "safe while breastfeeding": _unit(1, 0, 0)})
    assert aspect_unmet("safe while breastfeeding", question, word, near, context, translated=frozenset(word)) == ()


def test_words_that_each_leave_the_other_to_carry_the_question_are_weighed_together() -> None:
    # answers-dev-16: "can you drink alcohol on methotrexate…" quoted a methotrexate sentence about skin creams. Leaving
    # out "drink" or "alcohol" alone hardly moves the question (the other stays); leaving out both does.
    question = _unit(1, 0, 0)
    far = np.stack([_unit(0, 0, 1)])
    q = "can you drink alcohol on methotrexate"
    table = {"can you alcohol on methotrexate": _at_cosine(1 - MEANING_DROP / 2),
             "can you drink on methotrexate": _at_cosine(1 - MEANING_DROP / 2),
             "can you on methotrexate": _at_cosine(1 - JOINT_MEANING_DROP - 0.01),
             "drink": _unit(0, 1, 0), "alcohol": _unit(0, 1, 0.1)}
    embed, _ = _embedder(table)
    assert aspect_unmet(q, question, {stem("drink"), stem("alcohol")}, far, embed) == ("drink", "alcohol")
    # …unless a sentence speaks of one of them, or both together still hardly move the question
    near = np.vstack([far, _unit(0.1, 1, 0)[None, :]])
    assert aspect_unmet(q, question, {stem("drink"), stem("alcohol")}, near, embed) == ()
    embed, _ = _embedder({**table, "can you on methotrexate": _at_cosine(1 - JOINT_MEANING_DROP + 0.01)})
    assert aspect_unmet(q, question, {stem("drink"), stem("alcohol")}, far, embed) == ()
