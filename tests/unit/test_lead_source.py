"""Which document the answer's first sentence comes from: the best-ranked one unless another is clearly better."""

from __future__ import annotations

from citecare.answer.compose import ExtractiveComposer
from citecare.answer.focus_finder import FocusFinder
from citecare.answer.lead_source import (
    ABOUT_BONUS,
    LEAD_MARGIN,
    about_subject,
    best_lead_document,
    holds_lead,
    speaking_of_question,
)
from citecare.answer.section_title import asks_the_question
from citecare.answer.subject import Focus, SubjectIndex
from citecare.types import Chunk, Hit, SourceMeta
from citecare.vocab import load_medicines
from tests.fakes import FakeEmbedder


def _never(doc_id: str) -> bool:
    return False


def test_the_best_ranked_document_keeps_the_lead_unless_another_is_clearly_better() -> None:
    docs, scores = ["top", "top", "lower"], [0.6, 0.5, 0.6 + LEAD_MARGIN / 2]
    assert best_lead_document("top", docs, scores, _never) == "top"  # a little better is not enough
    assert best_lead_document("top", docs, [0.6, 0.5, 0.6 + 2 * LEAD_MARGIN], _never) == "lower"
    assert best_lead_document("top", [], [], _never) == "top"  # no lead-eligible sentence anywhere
    assert best_lead_document("top", ["lower"], [0.1], _never) == "lower"  # the incumbent has none


def test_a_document_whose_title_is_about_the_subject_is_preferred() -> None:
    docs, scores = ["class-page", "drug-label"], [0.7, 0.7 - ABOUT_BONUS / 2]

    def about(doc_id: str) -> bool:
        return doc_id == "drug-label"

    assert best_lead_document("class-page", docs, scores, _never) == "class-page"
    assert best_lead_document("class-page", docs, [0.7, 0.7 + LEAD_MARGIN], about) == "drug-label"
    assert best_lead_document("drug-label", docs, [0.7 + ABOUT_BONUS + LEAD_MARGIN / 2, 0.7], about) == "drug-label"


def _chunk(doc_id: str, title: str, text: str) -> Chunk:
    meta = SourceMeta(doc_id=doc_id, title=title, publisher="NIH")
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=1, meta=meta)


def test_the_answer_leads_with_the_document_that_says_what_was_asked() -> None:
    general = _chunk("gout-what", "Gout - What is Gout? (NIH)",
                     "Gout is a common and painful form of arthritis in the joints. "
                     "Gout usually attacks the big toe first in most people.")
    foods = _chunk("gout-causes", "Gout - What causes Gout? (NIH)",
                   "Eating too many foods rich in purines, such as liver and anchovies, can make gout flares worse.")
    chunks = [general, foods]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    embedder = FakeEmbedder()
    composer = ExtractiveComposer(embedder, subjects=index)
    finder = FocusFinder(index, ["gout", "foods", "purines", "liver", "anchovies", "flares"], frozenset())
    question = "which foods make gout flares worse"
    focus = finder.focus(question)
    assert [s.key for s in focus.subjects] == ["gout"] and about_subject(index, focus)("gout-causes")
    assert not about_subject(index, Focus())("gout-causes")
    hits = [Hit(chunk=c, score=1.0) for c in chunks]  # retrieval ranked the general page first
    out = composer.compose(question, embedder.embed_query(question), hits, focus=focus)
    assert out.citations[0].doc_id == "gout-causes" and out.text.startswith("Eating too many foods")


def test_a_section_titled_as_the_question_or_its_kind_keeps_the_lead() -> None:
    title = "Gout - How many people are affected by gout? (NIH)"
    assert asks_the_question(title, "how many people are affected by gout")  # every word it asks besides "gout"
    assert holds_lead(title, "other", "How many people does gout affect?")
    assert not holds_lead(title, "other", "what foods make gout worse")
    assert not asks_the_question("Gout - What is Gout? (NIH)", "what is gout")  # it asks nothing besides its topic
    assert holds_lead("Gout - What are the treatments for Gout? (NIH)", "treatment", "how is gout treated")  # kind
    assert not holds_lead("Gout - What is Gout? (NIH)", "treatment", "how is gout treated")


def test_the_composer_keeps_a_lead_section_that_promises_the_kind_asked_for() -> None:
    treatments = _chunk("gout-treat", "Gout - What are the treatments for Gout? (NIH)",
                        "Doctors often treat an attack of gout with anti-inflammatory medicines.")
    research = _chunk("gout-research", "Gout - What research is being done for Gout? (NIH)",
                      "Researchers study which gout medicines treat attacks of gout best and what new medicines "
                      "could treat gout attacks in people with gout.")
    chunks = [treatments, research]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    embedder = FakeEmbedder()
    finder = FocusFinder(index, ["gout", "medicines", "treat", "attacks"], frozenset())
    question = "how do doctors treat gout attacks"
    focus = finder.focus(question)
    assert focus.question_type == "treatment"
    hits = [Hit(chunk=c, score=1.0) for c in chunks]
    out = ExtractiveComposer(embedder, subjects=index).compose(question, embedder.embed_query(question), hits,
                                                               focus=focus)
    assert out.citations[0].doc_id == "gout-treat"


def _titled_hit(doc_id: str, title: str) -> Hit:
    """A one-sentence passage under a section title: the title is what these tests are about."""
    meta = SourceMeta(doc_id=doc_id, title=title, publisher="NIH")
    return Hit(chunk=Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text="Text.", ordinal=1, meta=meta), score=1.0)


def test_a_section_titled_as_the_answer_asked_for_leads_from_within_the_first_five_documents() -> None:
    from citecare.answer.section_title import LEAD_SECTION_DOCS, lead_document

    pages = [_titled_hit(f"what-is-{i}", f"Cushing's syndrome - What is Cushing's syndrome? ({i})")
             for i in range(3)]
    symptoms = _titled_hit("symptoms", "Cushing's Syndrome - What are the symptoms of Cushing's Syndrome? (NIDDK)")
    hits = [*pages, symptoms]  # "signs of cushing syndrome": the symptoms section is ranked fourth
    assert LEAD_SECTION_DOCS >= 4
    assert lead_document(hits, range(len(hits)), "symptoms") == "symptoms"
    assert lead_document(hits, range(len(hits)), "definition") == "what-is-0"  # the best-ranked promises it too
    assert lead_document(hits, range(len(hits)), "symptoms", within=3) == "what-is-0"


def test_support_from_another_source_comes_only_from_one_about_the_subject() -> None:
    page = _chunk("gout-treat", "Gout - What are the treatments for Gout? (NIH)",
                  "Doctors treat gout attacks with anti-inflammatory medicines. "
                  "Gout attacks are treated with rest and medicines that lower uric acid.")
    other = _chunk("kidney-stones", "Kidney stones - What are the treatments for Kidney stones? (NIH)",
                   "People with gout attacks may also get kidney stones that doctors treat with medicines.")
    about_gout = _chunk("gout-diet", "Gout - What causes Gout? (NIH)",
                        "Doctors say gout attacks can follow foods that raise uric acid, and treat them with medicines.")
    chunks = [page, other, about_gout]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    embedder = FakeEmbedder()
    finder = FocusFinder(index, ["gout", "medicines", "treat", "attacks", "doctors"], frozenset())
    question = "how do doctors treat gout attacks with medicines"
    focus = finder.focus(question)
    hits = [Hit(chunk=c, score=1.0) for c in chunks]
    out = ExtractiveComposer(embedder, subjects=index).compose(question, embedder.embed_query(question), hits,
                                                               focus=focus)
    cited = [c.doc_id for c in out.citations]
    assert cited[0] == "gout-treat" and "kidney-stones" not in cited  # it names gout, but is about kidney stones
    without_focus = ExtractiveComposer(embedder, subjects=index).compose(question, embedder.embed_query(question),
                                                                        hits)
    assert "kidney-stones" in [c.doc_id for c in without_focus.citations]  # the rule needs a subject to lock on


def test_a_section_titled_as_the_answer_asked_for_is_moved_up_to_the_lead_window() -> None:
    from citecare.answer.section_title import LEAD_SECTION_DOCS, lead_document, promised_section_within

    pages = [_titled_hit(f"what-is-{i}", f"Rheumatoid arthritis - What is rheumatoid arthritis? ({i})")
             for i in range(7)]
    inherited = _titled_hit("inherited", "rheumatoid arthritis - Is rheumatoid arthritis inherited? (GHR)")
    hits = [*pages, inherited]  # "does it run in families": retrieval ranked the inheritance section eighth
    assert lead_document(hits, range(len(hits)), "inheritance") == "what-is-0"
    moved = promised_section_within(hits, "inheritance", LEAD_SECTION_DOCS)
    assert [h.chunk.doc_id for h in moved].index("inherited") == LEAD_SECTION_DOCS - 1
    assert sorted(h.chunk.doc_id for h in moved) == sorted(h.chunk.doc_id for h in hits)  # nothing lost
    assert lead_document(moved, range(len(moved)), "inheritance") == "inherited"
    # Nothing moves when a section in the window already promises that kind, or none promises it.
    sjogren = _titled_hit("inherited-too", "Sjogren syndrome - Is Sjogren syndrome inherited? (GARD)")
    window = [*pages[:2], sjogren, *pages[2:], inherited]
    assert promised_section_within(window, "inheritance", LEAD_SECTION_DOCS) == window
    assert promised_section_within(hits, "treatment", LEAD_SECTION_DOCS) == hits


def test_the_writer_reads_the_section_on_the_subject_titled_as_the_answer_asked_for() -> None:
    from citecare.answer.subject import subject_first

    chunks = [_chunk(f"what-is-{i}", f"Rheumatoid arthritis - What is rheumatoid arthritis? ({i})",
                     "Rheumatoid arthritis is a disease that causes pain and swelling in the joints.") for i in range(7)]
    chunks.append(_chunk("inherited", "Rheumatoid arthritis - Is rheumatoid arthritis inherited? (GHR)",
                         "Rheumatoid arthritis can run in families, but it is not passed on in a simple way."))
    others = [_chunk(f"lupus-{i}", f"Lupus - What is Lupus? ({i})", "Lupus is an autoimmune disease.") for i in range(100)]  # RA is no library-wide theme
    index = SubjectIndex([*chunks, *others], load_medicines(), frozenset({"what", "is", "the"}))
    focus = FocusFinder(index, ["rheumatoid", "arthritis", "families", "run"], frozenset()).focus(
        "does rheumatoid arthritis run in families")
    assert focus.question_type == "inheritance" and [s.key for s in focus.subjects] == ["rheumatoid arthritis"]
    hits = [Hit(chunk=c, score=1.0) for c in chunks]
    assert "inherited" not in [h.chunk.doc_id for h in hits[:6]]
    assert "inherited" in [h.chunk.doc_id for h in subject_first(hits, focus, index, 6)]


def test_a_promised_section_on_a_narrower_topic_does_not_take_the_lead_from_the_subject_itself() -> None:
    from citecare.answer.lead_source import narrower_topic
    from citecare.answer.section_title import lead_document

    lupus = _chunk("lupus", "Lupus (GARD)", "Lupus is an autoimmune disease. Lupus is more common in young women.")
    nephritis = _chunk("nephritis", "Lupus Nephritis - What are the symptoms of Lupus Nephritis? (NIDDK)",
                       "Kidney problems often develop shortly after lupus symptoms appear.")
    product = _chunk("hydrocodone-acetaminophen", "hydrocodone + acetaminophen - What are the treatments? (NIH)",
                     "Support groups help people who stop using hydrocodone.")
    fillers = [_chunk(f"gout-{i}", f"Gout - What is Gout? ({i})", "Gout is a kind of arthritis.") for i in range(30)]
    index = SubjectIndex([lupus, nephritis, product, *fillers], load_medicines(), frozenset({"what", "is", "the"}))
    focus = FocusFinder(index, ["lupus", "signs", "women"], frozenset()).focus("signs of lupus in women")
    assert [s.key for s in focus.subjects] == ["lupus"] and focus.question_type == "symptoms"
    narrower = narrower_topic(index, focus)
    assert narrower("nephritis") and not narrower("lupus")
    hits = [Hit(chunk=c, score=1.0) for c in (lupus, nephritis)]
    assert lead_document(hits, range(2), "symptoms") == "nephritis"  # without the check the title's promise wins
    assert lead_document(hits, range(2), "symptoms", narrower=narrower) == "lupus"
    # A page on the narrower topic itself, or the only pages retrieved, keep their promised section.
    assert lead_document(hits[::-1], range(2), "symptoms", narrower=narrower) == "nephritis"
    # A combined product's title names the asked medicine as one of its own topics: not a narrower topic.
    drug = FocusFinder(index, ["hydrocodone", "withdrawal"], frozenset()).focus("what helps withdrawal from hydrocodone")
    assert not narrower_topic(index, drug)("hydrocodone-acetaminophen")


def test_a_health_pages_sentence_with_semicolons_can_lead_a_yes_no_question() -> None:
    page = _chunk("aih-treat", "Autoimmune Hepatitis - What are the treatments for Autoimmune Hepatitis? (NIDDK (NIH))",
                  "A health care provider will closely monitor and manage any side effects that may occur, as high "
                  "doses of prednisone are often prescribed to treat autoimmune hepatitis. Side effects of prednisone "
                  "may include weight gain; thinning of the hair and skin; cataracts, a clouding in the lens of the "
                  "eyes; glaucoma, elevated pressure in the eyes.")
    index = SubjectIndex([page], load_medicines(), frozenset({"what", "is", "the"}))
    embedder = FakeEmbedder()
    composer = ExtractiveComposer(embedder, subjects=index)
    finder = FocusFinder(index, ["prednisone", "eyes", "cataracts", "glaucoma", "hepatitis"], frozenset())
    question = "can prednisone cause problems with the eyes"
    focus = finder.focus(question)
    assert [s.key for s in focus.subjects] == ["prednisone"]
    out = composer.compose(question, embedder.embed_query(question), [Hit(chunk=page, score=1.0)], focus=focus)
    # it was barred from leading as if it were a label's joined list ("Muscle weakness; Steroid myopathy; …"), and
    # the answer to "Can prednisone cause eye problems?" opened with "A health care provider will closely monitor…"
    assert out.text.startswith("Side effects of prednisone may include"), out.text


def test_without_a_subject_the_lead_comes_from_a_passage_that_speaks_of_the_question() -> None:
    # answers-dev-16: a section titled "How long does protection from hepatitis B vaccine last?" promised a duration and
    # kept the lead of "how long do artificial joints last", ranked above the page that says it
    vaccine = _chunk("hepb", "hepatitis B vaccine - How long does protection from hepatitis B vaccine last? (CDC)",
                     "Studies indicate that protection can last for at least 30 years.")
    joints = _chunk("oa-surgery", "Osteoarthritis - What are the surgical options? (NIH)",
                    "Artificial joints can last 10 to 15 years or longer.")
    chunks = [vaccine, joints]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the", "how", "long"}))
    embedder = FakeEmbedder()
    finder = FocusFinder(index, ["artificial", "joints", "last", "years", "vaccine", "protection"], frozenset())
    question = "how long do artificial joints last? my dad's due a hip replacement"
    focus = finder.focus(question)
    assert not (focus.subjects or focus.lock) and focus.question_type == "duration"
    hits = [Hit(chunk=c, score=1.0) for c in chunks]
    out = ExtractiveComposer(embedder, subjects=index).compose(question, embedder.embed_query(question), hits,
                                                               focus=focus)
    assert out.citations[0].doc_id == "oa-surgery", out.text
    assert speaking_of_question({0, 1}, {1}) == {1}
    assert speaking_of_question({0, 1}, set()) == {0, 1}  # when none speaks of it, the ranking stands
