"""Facts about a medicine's class, read as facts about the medicine.

What a source says of a class holds for its members: a page on immunosuppressants ("Regular blood tests can help
track potential side effects") answers a question about methotrexate, which the ONE medicines vocabulary puts in
that class. Another member's facts do not: the prednisone label is about prednisone, and a sentence naming
another medicine, or a class the asked one is not in ("Corticosteroids can cause weight gain"), stays out. A
class fact is read as about the medicine only when the answer says the medicine is one of the class, so the
sentence of the same source that names it goes with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citecare.answer.subject import Subject, SubjectIndex

# The vocabulary's class that every immunosuppressive class belongs to.
UMBRELLA_CLASS = "immunosuppressant"


def classes_of(index: SubjectIndex, subject: Subject) -> frozenset[str]:
    """The classes a medicine belongs to (and, for an immune-suppressing one, the umbrella class). Classes named
    by a qualifier (vaccines) are left out: a source on vaccines in general does not answer a question about one
    vaccine."""
    medicines = index.medicines
    med = None if subject.is_class or subject.qualifier else medicines.medicines.get(subject.key)
    if med is None:
        return frozenset()
    classes = {c for c in med.classes if not medicines.classes[c].named_by_qualifier}
    if any(medicines.classes[c].immunosuppressive for c in med.classes):
        classes.add(UMBRELLA_CLASS)
    return frozenset(classes)


def is_about_class_of(index: SubjectIndex, doc_id: str, subject: Subject) -> bool:
    """Is the document about a class the asked medicine belongs to, and about no other medicine? A page on
    immunosuppressants is about methotrexate's class; the prednisone label is about another member."""
    keys = index.about.get(doc_id, frozenset())
    if not keys & classes_of(index, subject):
        return False
    return not any(k != subject.key and k in index.medicines.medicines for k in keys)


def states_class_fact(index: SubjectIndex, doc_id: str, text: str, subject: Subject) -> bool:
    """A sentence of a document about the medicine's class that holds for the medicine too: it names no other
    medicine and no class the medicine is not in."""
    if not is_about_class_of(index, doc_id, subject):
        return False
    classes = classes_of(index, subject)
    for found in index.find(text):
        if found.is_class and found.key not in classes:
            return False
        if not found.is_class and found.key != subject.key and found.key in index.medicines.medicines:
            return False
    return True


def with_bridges(chosen: Sequence[int], covers: Sequence[frozenset[str]], by_class: Sequence[frozenset[str]],
                 docs: Sequence[str], usable: Sequence[bool], relevance: Sequence[float], limit: int) -> list[int]:
    """``chosen`` (sentence numbers) with, first, for each subject the answer is on only by class facts, the most
    relevant ``usable`` sentence of the same document that names it ("Some commonly used immunosuppressants
    include … methotrexate …"); at most ``limit`` sentences, the bridges and the lead kept.

    Per sentence: ``covers`` the subjects it is on, ``by_class`` those it is on only as a class fact, ``docs``
    its document."""
    bridges: list[int] = []
    for key in sorted({k for j in chosen for k in by_class[j]}):
        if any(key in covers[j] - by_class[j] for j in chosen):
            continue
        class_docs = {docs[j] for j in chosen if key in by_class[j]}
        naming = [j for j in range(len(covers)) if j not in chosen and j not in bridges and usable[j]
                  and key in covers[j] - by_class[j] and docs[j] in class_docs]
        if naming:
            bridges.append(max(naming, key=lambda j: float(relevance[j])))
    if not bridges:
        return list(chosen)
    return [*bridges, *chosen][: max(limit, len(bridges) + 1)]
