"""Combined products in the subject lock: Norco is hydrocodone + acetaminophen, Tylenol PM acetaminophen +
diphenhydramine. A product's facts (its strengths, its uses, its tablets) are not facts about one of its
medicines: asked "tylenol pm mg?", the acetaminophen-with-codeine label's "300 mg/30 mg tablets" was quoted.

Which names stand for a product is in the ONE medicines vocabulary (``[[combination]]``); which documents are
about a product comes from their titles ("hydrocodone + acetaminophen - INDICATIONS & USAGE").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citecare.vocab import Medicines

if TYPE_CHECKING:
    from citecare.answer.subject import Subject


def product_documents(heads: Mapping[str, Iterable[str]], find: Callable[[str], Sequence[Subject]],
                      medicines: Medicines) -> dict[str, tuple[str, ...]]:
    """Documents whose title topics name two medicines or more, or a product ("tylenol pm - ACTIVE
    INGREDIENTS"): their medicines, in title order."""
    out: dict[str, tuple[str, ...]] = {}
    for doc_id, topics in heads.items():
        combined = dict.fromkeys(m for t in topics for s in find(t) if not s.is_class and medicines.medicine(s.key)
                                 for m in sorted(medicines.combination(s.said) or {s.key}, key=lambda m: m != s.key))
        if len(combined) >= 2:
            out[doc_id] = tuple(combined)
    return out


@dataclass(frozen=True)
class CombinedProducts:
    medicines: Medicines
    documents: Mapping[str, tuple[str, ...]]  # doc_id → the medicines of the product its title names

    def asked(self, subjects: Sequence[Subject]) -> frozenset[str]:
        """The medicines a question names, a product's name standing for all of its medicines."""
        out: set[str] = set()
        for s in subjects:
            if not s.is_class and s.known:
                out |= self.medicines.combination(s.said) or {s.key}
        return frozenset(out)

    def partners_not_asked(self, doc_id: str, subjects: Sequence[Subject]) -> tuple[str, ...]:
        """The other medicines of the product a document is about, when the question names only some of them:
        the acetaminophen-with-codeine label is not about acetaminophen alone."""
        product = self.documents.get(doc_id)
        asked = self.asked(subjects)
        if not product or not asked & set(product):
            return ()
        return tuple(m for m in product if m not in asked)

    def states_another_product(self, doc_id: str, named: set[str], subjects: Sequence[Subject]) -> bool:
        """A text naming the medicines ``named`` is about a product the question did not ask about: it names
        every medicine of a known product ("tablets contain oxycodone and acetaminophen" is Percocet), or, in
        a product's document, another of the product's medicines."""
        asked = self.asked(subjects)
        if any(not product <= asked for product in self.medicines.products_named(named)):
            return True
        return bool(named & set(self.partners_not_asked(doc_id, subjects)))
