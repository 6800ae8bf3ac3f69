"""The library's own short names for its topics: a page on systemic lupus erythematosus is about lupus."""

from __future__ import annotations

from citecare.answer.short_names import short_names
from citecare.answer.subject import SubjectIndex
from citecare.types import Chunk, SourceMeta
from citecare.vocab import load_medicines


def test_a_short_name_in_brackets_made_of_the_long_names_words_is_the_same_topic() -> None:
    heads = ["Systemic Lupus Erythematosus (Lupus)", "Lupus and Kidney Disease (Lupus Nephritis)",
             "Multiple sclerosis (Treatment)", "Varicella (Chickenpox) Vaccination", "Lupus"]
    topics = {"systemic lupus erythematosus", "lupus", "lupus and kidney disease", "lupus nephritis",
              "multiple sclerosis", "treatment", "varicella vaccination", "chickenpox"}
    assert short_names(heads, topics) == {"systemic lupus erythematosus": "lupus"}
    assert short_names(heads, topics - {"lupus"}) == {}  # the short name must be one of the library's topics


def _chunk(doc_id: str, title: str, text: str) -> Chunk:
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=1,
                 meta=SourceMeta(doc_id=doc_id, title=title, publisher="NIH"))


def test_a_page_on_the_long_name_is_about_the_short_one() -> None:
    chunks = [
        _chunk("niams", "Systemic Lupus Erythematosus (Lupus) (NIAMS)", "Lupus is an autoimmune disease."),
        _chunk("ghr", "systemic lupus erythematosus - Is systemic lupus erythematosus inherited? (GHR)",
               "SLE and other autoimmune disorders tend to run in families."),
        _chunk("gard", "Lupus - What is Lupus? (GARD)", "Lupus is a disease of the immune system."),
        *[_chunk(f"gout-{i}", f"Gout - What is Gout? ({i})", "Gout is a kind of arthritis.") for i in range(30)],
    ]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    [lupus] = [s for s in index.find("will my daughter inherit lupus") if s.key == "lupus"]
    assert index.is_about("ghr", lupus) and index.is_about("niams", lupus) and index.is_about("gard", lupus)
    assert not index.is_about("gout-0", lupus)
