"""A follow-up that names only a medicine is read with the condition the conversation is about, when the sources
join the two: "is that a pill or a shot?" after "my gastro wants to start me on humira for my crohns" is
answered from the Crohn's disease page that says how adalimumab (HUMIRA) is given, not left "not covered".
The question is searched again with the condition's name; the answer must lead with a sentence on both (the
medicine itself, not only the condition: "without treatment, it usually goes away after a year or more" would be
read as how long the medicine is taken) and pass the evidence gate. Otherwise the medicine alone is the subject,
as if the condition had not been said."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from citecare.answer.compose import Composition
from citecare.answer.retrieval import Retrieval
from citecare.answer.subject import Focus, describe

T = TypeVar("T")


def prefer_context(
    question: str,
    focus: Focus,
    found: Retrieval,
    retrieve: Callable[[str], Retrieval],
    compose: Callable[[Focus, Retrieval], tuple[T, Composition]],
    enough: Callable[[Focus, Retrieval, Composition], bool],
) -> tuple[Focus, Retrieval, T, Composition]:
    """The answer with the conversation's condition as a second subject when it holds, else the answer to the
    question as asked (from ``found``)."""
    if focus.context:
        in_context = replace(focus, subjects=focus.subjects + focus.context, context=())
        found_in_context = retrieve(f"{question.rstrip().rstrip('?')} ({describe(focus.context)})?")
        extra, composition = compose(in_context, found_in_context)
        if composition.text and composition.lead_joins and enough(in_context, found_in_context, composition):
            return in_context, found_in_context, extra, composition
    extra, composition = compose(focus, found)
    return focus, found, extra, composition
