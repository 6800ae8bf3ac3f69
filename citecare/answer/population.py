"""Who a sentence is about, children or adults, against who the question asks about: "How many Prevnar shots does a
baby need?" must not lead with "Vaccination Schedule for Adults 18 Years of Age and Older: Prevnar 13 is
administered as a single dose." A dose, schedule or risk said of adults is read by a parent as their baby's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_CHILD = re.compile(
    r"\b(?:bab(?:y|ies)|infants?|toddlers?|newborns?|child(?:ren)?|kids?|pediatric|paediatric|little one|"
    r"\d{1,2} ?(?:months?|mths?|weeks?) old|(?:[1-9]|1[0-7]) ?(?:yo|y/o|years? old|yrs? old|year-old))\b", re.I)
_ADULT = re.compile(r"\b(?:adults?|grown-ups?|(?:1[89]|[2-9]\d) years (?:of age )?(?:and|or) older)\b", re.I)


def asks_about_children(question: str) -> bool:
    return bool(_CHILD.search(question)) and not _ADULT.search(question)


def asks_about_adults(question: str) -> bool:
    return bool(_ADULT.search(question)) and not _CHILD.search(question)


# The patient speaking of themself: a follow-up in the first person is about them, whoever the conversation was about.
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|me|my|mine|myself)\b", re.I)


def asked_population(question: str, earlier: Sequence[str] = ()) -> str:
    """Who the question asks about, "children", "adults" or "" (no one named). A follow-up that names no one and
    does not speak of the patient themself is about whom the conversation was about ("my baby girl is 6 weeks old,
    what is prevnar?" then "how many doses does she need and at what ages")."""
    for text in (question, *(() if _FIRST_PERSON.search(question) else reversed(earlier))):
        if asks_about_children(text):
            return "children"
        if asks_about_adults(text):
            return "adults"
    return ""


def other_population(question: str, population: str = "") -> re.Pattern[str] | None:
    """The pattern of sentences about the people the question does not ask about (None: it names no one).
    ``population``: who the conversation asks about (``asked_population``), when known."""
    population = population or asked_population(question)
    if population == "children":
        return _ADULT
    if population == "adults":
        return _CHILD
    return None


def about_others_only(sentence: str, others: re.Pattern[str] | None) -> bool:
    """Does the sentence speak of the other population and not of the one asked about?"""
    if others is None or not others.search(sentence):
        return False
    asked = _CHILD if others is _ADULT else _ADULT
    return not asked.search(sentence)


_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|mL|units?|iu|tablets?|capsules?)\b", re.I)


def dose_not_said_of_children(sentence: str) -> bool:
    """A dose in a sentence that does not say it is for children: for a question about a child it is not quoted
    ("ENTOCORT EC 6 mg orally is recommended once daily" is the adult label's dose, and a parent would give it to a
    10-year-old)."""
    return bool(_DOSE.search(sentence)) and not _CHILD.search(sentence)
