"""How a question is put back into words: for retrieval, with the subject it inherits or the name the sources use
(``with_subject``); for the "not covered" message, naming what was asked (``asked_about``)."""

from __future__ import annotations

from citecare.answer.abbreviations import acronym
from citecare.answer.subject import Focus, describe
from citecare.text import stem, words

_ASPECT_PHRASES = {
    "side_effects": "the side effects of {}",
    "dosage": "the dose of {}",
    "symptoms": "the symptoms of {}",
    "causes": "the causes of {}",
    "inheritance": "whether {} runs in families",
    "frequency": "how often for {}",
    "duration": "how long for {}",
    "interactions": "taking {} with other things",
    "prevention": "preventing {}",
    "who_should_not": "who should not take {}",
    "research": "research on {}",
    "who_gets": "who gets {}",
}


def with_subject(question: str, focus: Focus) -> str:
    """For retrieval: a follow-up that does not name its subject, with the subject it inherits; a question that
    names a library topic by its acronym ("PML") or another of its names, with the name the sources use."""
    if focus.inherited and focus.subjects:
        return f"{question.rstrip().rstrip('?')} ({describe(focus.subjects)})?"
    asked = set(words(question))
    asked_stems = {stem(w) for w in asked}
    # named by an acronym ("PML"), or by another name of several words' topic that the library gives it
    # ("hypercortisolism" for cushing's syndrome, ``answer.synonyms``): the sources search better by their name
    renamed = [s for s in focus.subjects if not s.said and (acronym(s.label) in asked or (
        " " in s.label and not {stem(w) for w in words(s.label)} & asked_stems))]
    if not renamed:
        return question
    return f"{question.rstrip().rstrip('?')} ({describe(renamed)})?"


def asked_about(focus: Focus) -> str:
    """How the 'not covered' message names the question: 'the side effects of methotrexate', 'kratom'."""
    label = focus.label
    if not label:
        return "that"
    return _ASPECT_PHRASES.get(focus.question_type, "this question about {}").format(label)
