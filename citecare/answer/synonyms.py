"""Other names a library gives its own topics: "Systemic scleroderma … The condition is also called systemic
sclerosis" says that a patient's "is systemic sclerosis passed down in families" is about systemic scleroderma, and
"Granulomatosis with polyangiitis (GPA), previously known as Wegener's granulomatosis" that "wegener's" is GPA.
Read from the documents' text, so it holds for any library, not a list of synonyms.

A name counts when the sentence ties it to one topic: the topic written just before "also called" ("Cushing's
syndrome, also called hypercortisolism"; "Fibromyalgia is also called fibromyalgia syndrome"), or "the condition"
(disease, disorder) of a document whose title names one topic. A name that is already a topic of its own, that two
topics claim, or that is one everyday word, is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from citecare.text import fold, words

_ALSO = re.compile(r"\b(?:(also|sometimes|often|previously|formerly|once) )?(?:called|known as|referred to as|named)\s+"
                   r"(?:the\s+)?[\"“']?"
                   r"([a-z][a-z0-9'-]*(?:\s+[a-z0-9][a-z0-9'-]*){0,4})")
# the name ends before these words ("…also called systemic sclerosis because the fibrosis…")
_NAME_ENDS = frozenset("""because which that who where when and or but is are was were in of for to by with as
    after before since if than from on at due""".split())
# "The condition is also called…", "This disorder, also known as…": the document's own topic
_THIS_TOPIC = re.compile(r"(?:^|[.;]\s+)(?:the|this|the same|it) ?(?:condition|disease|disorder|syndrome|illness)?"
                         r"(?:,)?\s*(?:is|are|was|has been|,)?\s*$")
_BEFORE = 80  # characters before "also called" that hold the topic it renames


def _name(after: str) -> str:
    kept: list[str] = []
    for word in after.split():
        if word in _NAME_ENDS:
            break
        kept.append(word)
    return " ".join(kept)


def defined_synonyms(docs: Mapping[str, Sequence[str]], doc_topics: Mapping[str, Sequence[str]],
                     topics: Iterable[str], common: frozenset[str] = frozenset()) -> dict[str, str]:
    """Other name → the topic it stands for. ``docs``: each document's passages; ``doc_topics``: the topics its
    title names; ``topics``: every topic of the library."""
    topics = set(topics)
    by_last_word: dict[str, list[str]] = {}
    for topic in topics:
        by_last_word.setdefault(topic.split()[-1], []).append(topic)
    found: dict[str, set[str]] = {}
    for doc_id, passages in docs.items():
        own = [t for t in doc_topics.get(doc_id, ()) if t in topics]
        for text in passages:
            folded = " ".join(fold(text).split())
            for m in _ALSO.finditer(folded):
                name = " ".join(words(_name(m.group(2))))
                if not name or name in topics:
                    continue
                before = folded[max(0, m.start() - _BEFORE):m.start()].rstrip(" ,(-—")
                before = re.sub(r"\s*\([a-z0-9-]{2,8}\)$", "", before)  # "granulomatosis with polyangiitis (gpa),"
                before = re.sub(r"\s+(?:is|are|was|which is|that is)$", "", before)
                last = before.rsplit(" ", 1)[-1]
                claimed = [t for t in by_last_word.get(last, ()) if before.endswith(t)
                           and (len(before) == len(t) or not before[-len(t) - 1].isalnum())]
                if not claimed and len(own) == 1 and _THIS_TOPIC.search(before):
                    claimed = own
                bare = m.group(1) is None  # "the painful after-effects of shingles known as postherpetic neuralgia"
                if len(claimed) == 1 and not _everyday(name, common) and not (bare and _all_everyday(name, common)):
                    found.setdefault(name, set()).add(claimed[0])
    return {name: next(iter(named)) for name, named in found.items() if len(named) == 1}


def _all_everyday(name: str, common: frozenset[str]) -> bool:
    """Without "also", "called" often names a thing of the topic, not the topic ("…osteoporosis… a bone density
    test"; "psoriasis… called cell turnover"): a name of everyday words only is taken from "also called" alone."""
    return all(w in common or w in {"a", "an", "the"} for w in name.split())


def _everyday(name: str, common: frozenset[str]) -> bool:
    """One everyday word ("steroids", "the bowel") renames nothing: patients use it of many things."""
    return " " not in name and (not common or name in common)
