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


def test_an_abbreviation_the_library_defines_names_its_topic() -> None:
    from citecare.answer.abbreviations import defined_abbreviations

    texts = ["Multiple sclerosis (MS) is a nervous system disease.", "Rheumatoid arthritis (RA) affects joints.",
             "Ankylosing spondylitis (AS) affects the spine. It is as common as gout, and as painful.",
             "Symptoms of multiple sclerosis (MS) vary.", "Magnetic resonance imaging (MRI) shows lesions."]
    topics = {"multiple sclerosis", "rheumatoid arthritis", "ankylosing spondylitis"}
    # "as" is an everyday word of the library; MRI is not the abbreviation of a topic
    assert defined_abbreviations(texts, topics) == {"ms": "multiple sclerosis", "ra": "rheumatoid arthritis"}
    assert defined_abbreviations(texts + ["Mitral stenosis (MS) narrows a valve."],
                                 topics | {"mitral stenosis"})["ra"] == "rheumatoid arthritis"
    assert "ms" not in defined_abbreviations(texts + ["Mitral stenosis (MS) narrows a valve."],
                                             topics | {"mitral stenosis"})  # two topics: neither
    # the abbreviation is made of the name's letters from its first: not "caps" for a catastrophic form
    assert defined_abbreviations(["Catastrophic antiphospholipid syndrome (CAPS) is rare."],
                                 {"antiphospholipid syndrome"}) == {}
    # the name may go on after the brackets, and be written with a hyphen
    assert defined_abbreviations(["Thiopurine S-methyltransferase (TPMT) deficiency is a condition."],
                                 {"thiopurine s-methyltransferase deficiency"}) == {
        "tpmt": "thiopurine s-methyltransferase deficiency"}


def test_a_question_naming_a_topic_by_its_abbreviation_is_about_it() -> None:
    chunks = [
        _chunk("ninds", "Multiple Sclerosis - What are the treatments? (NINDS)",
               "Multiple sclerosis (MS) is treated with drugs that change the course of the disease."),
        *[_chunk(f"gout-{i}", f"Gout - What is Gout? ({i})", "Gout is a kind of arthritis.") for i in range(30)],
    ]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    assert [s.key for s in index.find("what drugs are there for relapsing remitting ms")] == ["multiple sclerosis"]


def test_an_abbreviation_that_is_also_a_word_names_its_topic_only_in_capitals() -> None:
    from citecare.answer.abbreviations import read_abbreviations

    texts = ["Ankylosing spondylitis (AS) affects the spine. It is as common as gout, and as painful.",
             "Multiple sclerosis (MS) is a nervous system disease."]
    chunks = [_chunk("as", "Ankylosing spondylitis - What is it? (GARD)", texts[0]),
              _chunk("ms", "Multiple sclerosis - What is it? (GARD)", texts[1]),
              *[_chunk(f"gout-{i}", f"Gout - What is Gout? ({i})", "Gout is a kind of arthritis.") for i in range(30)]]
    assert read_abbreviations(texts, {"ankylosing spondylitis", "multiple sclerosis"}) == (
        {"ms": "multiple sclerosis"}, {"AS": "ankylosing spondylitis"})
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the", "as", "it"}))
    assert [s.key for s in index.find("hubby has AS and is HLA-B27 positive, will our kids get it")] == [
        "ankylosing spondylitis"]
    assert index.find("is gout as painful as they say") == [s for s in index.find("gout") if s.key == "gout"]
    assert index.find("WHAT IS AS BAD AS GOUT") == index.find("gout")  # shouting: every word is in capitals


def test_a_clipped_name_is_the_one_topic_it_starts() -> None:
    from citecare.answer.short_names import clipped_topic

    topics = {"sarcoidosis", "cardiac sarcoidosis", "fibromyalgia", "fibrous dysplasia", "psoriasis",
              "psoriatic arthritis", "lupus"}
    assert clipped_topic("sarcoid", topics) == "sarcoidosis"
    assert clipped_topic("fibro", topics) is None  # two topics start so
    assert clipped_topic("psoria", topics) is None
    assert clipped_topic("sarcoidosi", topics) is None  # one letter short is a typo, not a short name
    assert clipped_topic("lup", topics) is None  # too short to name anything
