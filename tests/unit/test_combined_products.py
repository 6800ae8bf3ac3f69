"""Combined products (Norco, Tylenol PM, co-codamol): the vocabulary knows which medicines a product name stands
for, and the subject lock keeps a product's facts away from a question about one of its medicines."""

from __future__ import annotations

import pytest

from citecare.answer.subject import Subject, SubjectIndex
from citecare.types import Chunk, SourceMeta
from citecare.vocab import VocabularyError, load_medicines, parse_medicines

LABEL = "DailyMed (NLM) / FDA drug label"


def _chunk(doc_id: str, title: str, text: str) -> Chunk:
    meta = SourceMeta(doc_id=doc_id, title=f"{title} ({LABEL})", publisher=LABEL)
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=1, meta=meta)


CHUNKS = [
    _chunk("apap-codeine", "acetaminophen with codeine - HOW SUPPLIED",
           "Acetaminophen and Codeine Phosphate Tablets 300 mg/30 mg are white, round tablets."),
    _chunk("hydro-apap", "hydrocodone + acetaminophen - INDICATIONS & USAGE",
           "Hydrocodone bitartrate and acetaminophen tablets are indicated for the relief of moderate pain."),
    _chunk("oxy", "oxycodone - DESCRIPTION",
           "Each tablet contains oxycodone hydrochloride and acetaminophen in the following strengths."),
    _chunk("apap", "acetaminophen - WARNINGS", "Acetaminophen may cause severe liver damage."),
    _chunk("pm", "tylenol pm - ACTIVE INGREDIENTS (IN EACH CAPLET)", "Acetaminophen 500 mg; Diphenhydramine HCl 25 mg"),
]


def _index() -> SubjectIndex:
    return SubjectIndex(CHUNKS, load_medicines())


def _asked(index: SubjectIndex, question: str) -> list[Subject]:
    return index.find(question)


def test_the_vocabulary_knows_what_a_product_name_combines() -> None:
    medicines = load_medicines()
    assert medicines.combination("Norco") == {"hydrocodone", "acetaminophen"}
    assert medicines.combination("tylenol pm") == {"acetaminophen", "diphenhydramine"}
    assert medicines.combination("tylenol") is None  # plain Tylenol is acetaminophen alone
    assert medicines.products_named({"oxycodone", "acetaminophen", "ibuprofen"}) == [{"oxycodone", "acetaminophen"}]


@pytest.mark.parametrize(("entry", "problem"), [
    ({"medicines": ["hydrocodone"], "forms": ["norco"]}, "two or more"),
    ({"medicines": ["hydrocodone", "kryptonite"], "forms": ["norco"]}, "unknown medicines"),
    ({"medicines": ["hydrocodone", "acetaminophen"], "forms": ["advil"]}, "must be a form of one of"),
])
def test_a_bad_combination_is_refused_at_load(entry: dict[str, object], problem: str) -> None:
    data = {"reviewer": "r", "reviewed": "2026-12-05", "class": [{"name": "opioid", "terms": ["opioids"]}],
            "medicine": [{"name": "hydrocodone", "brands": ["norco"]}, {"name": "acetaminophen"},
                         {"name": "ibuprofen", "brands": ["advil"]}],
            "combination": [entry]}
    with pytest.raises(VocabularyError, match=problem):
        parse_medicines(data)


def test_a_products_document_is_about_its_medicines_only_together() -> None:
    index = _index()
    assert index.products.documents["apap-codeine"] == ("acetaminophen", "codeine")
    assert "apap" not in index.products.documents and "oxy" not in index.products.documents
    tylenol = _asked(index, "how much acetaminophen is in tylenol")
    assert not index.about_any("apap-codeine", tylenol)
    assert index.about_any("apap", tylenol)
    both = _asked(index, "what is in acetaminophen with codeine")
    assert index.about_any("apap-codeine", both)
    assert index.about_any("hydro-apap", _asked(index, "what is norco for"))  # the brand names both medicines
    # A title naming a product by its brand is about the product's medicines.
    assert index.products.documents["pm"] == ("acetaminophen", "diphenhydramine")
    assert index.about_any("pm", _asked(index, "tylenol pm mg?")) and not index.about_any("pm", tylenol)


def test_the_lock_keeps_a_products_statements_from_one_of_its_medicines() -> None:
    index = _index()
    text = CHUNKS[0].text
    assert index.covers("apap-codeine", text, _asked(index, "tylenol pm mg?")) == frozenset()
    assert index.covers("apap-codeine", text, _asked(index, "acetaminophen and codeine tablets")) == {
        "acetaminophen", "codeine"}
    # A statement about the asked medicine alone stays usable, in any document.
    assert index.covers("apap-codeine", "Acetaminophen may cause severe liver damage.",
                        _asked(index, "is tylenol bad for the liver")) == {"acetaminophen"}
    # A sentence naming every medicine of a known product is about that product, whatever document it is in.
    assert index.covers("oxy", CHUNKS[2].text, _asked(index, "tylenol pm mg?")) == frozenset()
    assert index.covers("oxy", CHUNKS[2].text, _asked(index, "percocet strengths")) == {"oxycodone"}
