"""A follow-up naming only a medicine is read with the conversation's condition when the sources join them."""

from __future__ import annotations

from citecare.answer.compose import Composition
from citecare.answer.focus_finder import FocusFinder
from citecare.answer.in_context import prefer_context
from citecare.answer.retrieval import Retrieval
from citecare.answer.subject import Focus, SubjectIndex
from citecare.types import Chunk, SourceMeta
from citecare.vocab import load_medicines


def _chunk(doc_id: str, title: str, text: str) -> Chunk:
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=0,
                 meta=SourceMeta(doc_id=doc_id, title=title, publisher="NIH"))


CHUNKS = [
    _chunk("crohn-treat", "Crohn's Disease - What are the treatments for Crohn's Disease? (NIDDK)",
           "Biological therapies are given by an injection in the skin, such as adalimumab (HUMIRA)."),
    _chunk("humira-label", "adalimumab - DOSAGE AND ADMINISTRATION (DailyMed)", "Adalimumab is injected."),
]
FINDER = FocusFinder(SubjectIndex(CHUNKS, load_medicines(), frozenset({"what", "is", "the", "a", "or"})), [],
                     frozenset())
EARLIER = ["my gastro wants to start me on humira for my crohns"]


def test_a_medicine_only_follow_up_carries_the_conversations_condition() -> None:
    focus = FINDER.focus("is humira a pill or a shot", EARLIER)
    assert [s.key for s in focus.subjects] == ["adalimumab"] and [s.key for s in focus.context] == ["crohn's disease"]
    assert not FINDER.focus("is humira a pill or a shot").context  # nothing earlier
    assert not FINDER.focus("is crohn's disease inherited", EARLIER).context  # the question names a condition


def _found(query: str) -> Retrieval:
    return Retrieval(query, (), (), 0.5, 0.5)


def test_the_condition_is_kept_only_when_the_answer_leads_with_a_sentence_on_both() -> None:
    focus = FINDER.focus("is humira a pill or a shot", EARLIER)
    searched: list[str] = []

    def retrieve(query: str) -> Retrieval:
        searched.append(query)
        return _found(query)

    def compose(lead_joins: bool):  # type: ignore[no-untyped-def]
        def run(f: Focus, found: Retrieval) -> tuple[str, Composition]:
            joined = len(f.subjects) == 2
            return found.query, Composition("An answer. [1]", (), (), lead_joins=joined and lead_joins)
        return run

    chosen, found, extra, _ = prefer_context("is humira a pill or a shot", focus, _found("asked"), retrieve,
                                             compose(True), lambda f, r, c: True)
    assert [s.key for s in chosen.subjects] == ["adalimumab", "crohn's disease"] and not chosen.context
    assert searched == ["is humira a pill or a shot (crohn's disease)?"] and extra == found.query == searched[0]
    chosen, found, _, _ = prefer_context("is humira a pill or a shot", focus, _found("asked"), retrieve,
                                         compose(False), lambda f, r, c: True)
    assert chosen is focus and found.query == "asked"  # the lead is on the condition alone: the medicine as asked
    chosen, _, _, _ = prefer_context("is humira a pill or a shot", focus, _found("asked"), retrieve, compose(True),
                                     lambda f, r, c: False)
    assert chosen is focus  # the evidence gate refuses the joined answer


def test_a_condition_told_around_the_question_is_context_not_a_second_subject() -> None:
    chunks = [*CHUNKS, _chunk("lupus", "Lupus - What is lupus? (NIAMS)", "Lupus is an autoimmune disease.")]
    finder = FocusFinder(SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the", "a", "or"})), [],
                         frozenset())
    focus = finder.focus("i have lupus. is humira a pill or a shot?")
    assert [s.key for s in focus.subjects] == ["adalimumab"] and [s.key for s in focus.context] == ["lupus"]
    # asked in the question itself, or with no question mark to tell the question from the story: both required
    assert {s.key for s in finder.focus("is humira ok with lupus?").subjects} == {"adalimumab", "lupus"}
    assert {s.key for s in finder.focus("i have lupus, is humira a pill or a shot").subjects} == {"adalimumab", "lupus"}
    # a medicine told around the question stays a subject: "i'm on humira. can i have the flu jab?" is about both…
    assert "adalimumab" in {s.key for s in finder.focus("i'm on humira. how is lupus treated?").subjects}
    # …unless the question asks what a condition is like, which no medicine changes (answers-dev-16: "…before starting
    # him on azathioprine. is TPMT deficiency inherited")
    focus = finder.focus("i'm on humira. is lupus inherited?")
    assert [s.key for s in focus.subjects] == ["lupus"] and [s.key for s in focus.context] == ["adalimumab"]


def test_the_kind_of_answer_comes_from_the_question_sentence() -> None:
    focus = FINDER.focus("My mother is 74 and was diagnosed with crohn's disease. How quickly does humira work?")
    assert focus.question_type == "duration"  # not "diagnosis", from the story
    assert FINDER.focus("what is crohn's disease? my aunt has just been told she has it").question_type == "definition"


def test_a_subject_named_by_its_acronym_is_not_what_is_asked_of_it() -> None:
    # "our 7 year old daughter was just diagnosed with JIA. what causes it?" looked for a sentence saying "jia", found
    # none and answered "not covered" (answers-dev-16)
    chunks = [*CHUNKS, _chunk("jia", "juvenile idiopathic arthritis - What causes juvenile idiopathic arthritis? (GHR)",
                              "Juvenile idiopathic arthritis is thought to arise from genetic and environmental factors.")]
    finder = FocusFinder(SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the", "a", "or"})), [],
                         frozenset())
    focus = finder.focus("our daughter was just diagnosed with JIA. what causes it?")
    assert [s.key for s in focus.subjects] == ["juvenile idiopathic arthritis"]
    assert "jia" not in focus.aspect_terms, focus.aspect_terms
