"""A question naming no subject the library knows locks on its rarest uncommon word (``answer.rare_subject``)."""

from __future__ import annotations

from citecare.answer.compose import ExtractiveComposer
from citecare.answer.evidence import SUBJECTLESS_LEAD_COVERAGE
from citecare.answer.focus_finder import FocusFinder
from citecare.answer.rare_subject import lock_on_rare_words
from citecare.answer.subject import SubjectIndex
from citecare.text import stem, words
from citecare.types import Chunk, Hit, SourceMeta
from citecare.vocab import load_medicines
from tests.fakes import FakeEmbedder


def _chunk(doc_id: str, title: str, text: str) -> Chunk:
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=1,
                 meta=SourceMeta(doc_id=doc_id, title=title, publisher="NIH"))


CHUNKS = [
    _chunk("oa-treat", "Osteoarthritis - What are the treatments? (NIH)",
           "Exercise and weight control help knee arthritis. Many people take supplements for their joints. "
           "Studies of glucosamine and chondroitin sulfate for knee arthritis found no clear benefit."),
    _chunk("ibd", "Ulcerative Colitis - What is it? (NIDDK)",
           "Ulcerative colitis causes bloody diarrhoea and belly pain. Crohn's disease and microscopic colitis "
           "are the other common diseases of the bowel."),
    _chunk("fm", "Pain clinics - Who treats pain? (NIH)",
           "Fibromyalgia causes widespread pain and tiredness. Fibromyalgia is treated with exercise and "
           "medicines. Some people call it fibro for short."),
    *[_chunk(f"pain-{i}", f"Pain topic {i} - About (NIH)", "Knee arthritis and joint pain are common in older "
             "people and exercise helps.") for i in range(6)],
]
COMMON = frozenset("""does help knee arthritis what are the symptoms of microscopic is fog exercise joint joints pain
    for take many people""".split())


def _finder(chunks: list[Chunk] = CHUNKS, common: frozenset[str] = COMMON) -> FocusFinder:
    index = SubjectIndex(chunks, load_medicines(), common)
    counts: dict[str, int] = {}
    df: dict[str, int] = {}
    for c in chunks:
        for w in words(c.text):
            counts[w] = counts.get(w, 0) + 1
        for s in {stem(w) for w in words(c.text)}:
            df[s] = df.get(s, 0) + 1
    return FocusFinder(index, counts, common, df=df, passages=len(chunks))


def test_a_question_without_a_known_subject_locks_on_its_rarest_uncommon_library_word() -> None:
    finder = _finder()
    focus = finder.focus("does glucosamine help knee arthritis")
    assert not focus.subjects and focus.rare == ("glucosamine",)
    locked = lock_on_rare_words(focus, [Hit(chunk=c, score=1.0) for c in CHUNKS])
    assert [s.qualifier for s in locked.lock] == [(stem("glucosamine"),)] and not locked.subjects
    embedder = FakeEmbedder()
    composer = ExtractiveComposer(embedder, subjects=finder.index)
    question = "does glucosamine help knee arthritis"
    out = composer.compose(question, embedder.embed_query(question), [Hit(chunk=c, score=1.0) for c in CHUNKS],
                           focus=locked)
    assert out.text.startswith("Studies of glucosamine") and "Exercise and weight control" not in out.text
    assert SUBJECTLESS_LEAD_COVERAGE > 0  # the evidence gate keeps its subjectless rules (subjects stay empty)


def test_the_words_around_it_join_the_lock_when_the_retrieved_passages_use_them_together() -> None:
    finder = _finder()
    focus = finder.focus("what are the symptoms of microscopic colitis")
    assert focus.rare == ("microscopic colitis", "colitis")
    locked = lock_on_rare_words(focus, [Hit(chunk=c, score=1.0) for c in CHUNKS])
    assert locked.lock[0].key == "microscopic colitis" and locked.topic == "microscopic colitis"
    index = finder.index
    assert not index.names("Ulcerative colitis causes bloody diarrhoea.", locked.lock[0])
    # No retrieved passage uses the pair: the rare word alone.
    alone = lock_on_rare_words(focus, [Hit(chunk=CHUNKS[0], score=1.0)])
    assert alone.lock[0].key == "colitis"


def test_no_lock_on_a_lay_short_form_an_everyday_word_or_a_word_no_passage_uses() -> None:
    finder = _finder()
    assert finder.focus("what is fibro fog").rare == ()  # "fibro" would shut out every "fibromyalgia" sentence
    assert finder.focus("does exercise help knee arthritis").rare == ()  # everyday words only
    assert finder.focus("does kratom help knee arthritis").rare == ()  # no passage uses it: an unknown name
    # A question with a known subject keeps its subject lock.
    focus = finder.focus("does glucosamine help ulcerative colitis")
    assert focus.subjects and focus.rare == ()
    assert lock_on_rare_words(focus, [Hit(chunk=c, score=1.0) for c in CHUNKS]).lock == ()


def test_an_age_group_is_never_the_lock() -> None:
    # "what are early signs of arthritis in a toddler" was locked on "toddler" and answered "My sources don't cover
    # the symptoms of toddler"; who is asked about is Focus.population.
    chunks = [*CHUNKS, _chunk("ja", "Kids and joints - Early signs (NIH)", "A toddler may limp in the morning.")]
    focus = _finder(chunks).focus("what are the symptoms of arthritis in a toddler")
    assert focus.rare == () and focus.topic == "" and focus.population == "children"


def test_an_everyday_word_that_names_a_disease_is_its_subject() -> None:
    # "kawasaki" is in the embedding model's word list: "what is kawasaki disease" quoted a Behcet's sentence first
    chunks = [*CHUNKS, _chunk("vasc", "Vasculitis - What is it? (NHLBI)",
                              "Behcet's disease is common in Japan. The standard treatment for Kawasaki disease is "
                              "high-dose aspirin and immune globulin.")]
    finder = _finder(chunks, COMMON | {"kawasaki", "disease"})
    assert "kawasaki disease" in finder.focus("what is kawasaki disease").rare
    assert finder.focus("does kawasaki help").rare == ()  # not naming a disease: an everyday word still
