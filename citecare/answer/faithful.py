"""Checks that a written sentence keeps each number with its own medicine and stays on the asked subject.

A model that reads a pregabalin label next to a methotrexate page can write "Methotrexate doses above
300 mg/day are not recommended": every word is in the passages, yet the number belongs to another drug.
And an answer about methotrexate must not be made of sentences about prednisone. Both are judged from the
passage a sentence cites and what that passage is about (its title and heading), with the ONE medicines
vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from citecare.text import fold, split_sentences
from citecare.types import Chunk
from citecare.vocab import Medicines, load_medicines

if TYPE_CHECKING:
    from citecare.answer.subject import Subject

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?")


@lru_cache(maxsize=1)
def _medicines() -> Medicines:
    return load_medicines()


def _named(text: str) -> set[str]:
    """Canonical names of the medicines (not classes) that ``text`` names."""
    return {m.name for m in _medicines().mentions(text) if not m.is_class}


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def number_off_its_drug(sentence: str, passage: str, about: str = "") -> str | None:
    """The first number the sentence states with a medicine that the passage gives for another one, else None.

    The passage sentence holding the number must name that medicine, or name none while the passage (its
    text or what it is about, e.g. a label's title) names it.
    """
    meds = _named(sentence)
    if not meds:
        return None
    passage_meds = _named(f"{about}. {passage}")
    holders_by_number: dict[str, list[set[str]]] = {}
    for held in split_sentences(passage):
        for number in _numbers(held):
            holders_by_number.setdefault(number, []).append(_named(held))
    for number in sorted(_numbers(sentence)):
        holders = holders_by_number.get(number)
        if not holders:
            continue  # a number the passage lacks is reported by the support check itself
        if not any(named & meds or (not named and (not passage_meds or passage_meds & meds)) for named in holders):
            return number
    return None


def off_subject(sentence: str, passage: str, about: str, subjects: Sequence[str]) -> bool:
    """True when neither the sentence, its passage nor what the passage is about names an asked subject."""
    if not subjects:
        return False
    text = fold(f"{sentence} {about} {passage}")
    return not any(re.search(rf"(?<![a-z0-9]){re.escape(fold(s))}(?![a-z0-9])", text) for s in subjects if s)


def about(chunk: Chunk) -> str:
    """What a passage is about, for the verifier: its title and heading ("prednisone - ADVERSE REACTIONS")."""
    return f"{chunk.meta.title} — {chunk.heading}" if chunk.heading else chunk.meta.title


def faithfulness_reasons(sentence: str, passage: str, about: str = "", subjects: Sequence[str] = ()) -> list[str]:
    """Reasons a passage cannot stand behind a sentence even when it holds its words."""
    reasons = []
    if (number := number_off_its_drug(sentence, passage, about)) is not None:
        reasons.append(f"number_off_its_drug:{number}")
    if off_subject(sentence, passage, about, subjects):
        reasons.append("off_subject")
    return reasons


def subject_names(subjects: Sequence[Subject], medicines: Medicines | None = None) -> tuple[str, ...]:
    """Every name an asked subject goes by: the medicine's brands and aliases, a class's terms and members."""
    medicines = medicines or _medicines()
    names: list[str] = []
    for subject in subjects:
        names += [subject.key, subject.label, subject.said]
        if (med := medicines.medicine(subject.key)) is not None:
            names += med.forms
        if (cls := medicines.classes.get(subject.key)) is not None:
            names += cls.terms
            names += [form for m in medicines.medicines.values() if medicines.in_class(m.name, cls.name)
                      for form in m.forms]
    return tuple(dict.fromkeys(n for n in names if n))
