"""Subjects, quotable sentences, question types and the evidence gate, on small hand-made libraries."""

from __future__ import annotations

from dataclasses import replace

import pytest

from citecare.answer.asked import asked_about, with_subject
from citecare.answer.class_facts import classes_of, is_about_class_of, states_class_fact
from citecare.answer.compose import ExtractiveComposer
from citecare.answer.focus_finder import FocusFinder, name_words
from citecare.answer.question_type import answers_type, classify
from citecare.answer.quotable import is_quotable, leans_back
from citecare.answer.subject import (
    Focus,
    Subject,
    SubjectIndex,
    subject_first,
    title_topics,
    unknown_names,
)
from citecare.text import stem
from citecare.types import Chunk, Citation, Hit, SourceMeta
from citecare.vocab import load_medicines
from tests.fakes import FakeEmbedder


def _chunk(doc_id: str, title: str, text: str, publisher: str = "NIH") -> Chunk:
    meta = SourceMeta(doc_id=doc_id, title=title, publisher=publisher)
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=1, meta=meta)


def _citation(n: int, chunk: Chunk) -> Citation:
    return Citation(n, chunk.doc_id, chunk.chunk_id, chunk.meta.title, chunk.meta.publisher, "", "", chunk.text,
                    chunk.text.split(". ")[0])


CHUNKS = [
    _chunk("pred-ar", "prednisone - ADVERSE REACTIONS (DailyMed (NLM) / FDA drug label)",
           "Fluid retention is a side effect in patients who take it for a long time. Sodium retention.",
           publisher="DailyMed (NLM) / FDA drug label"),
    _chunk("preg-dose", "pregabalin - DOSAGE AND ADMINISTRATION (DailyMed (NLM) / FDA drug label)",
           "In view of the dose-dependent adverse reactions, treatment with doses above 300 mg/day is not "
           "recommended.", publisher="DailyMed (NLM) / FDA drug label"),
    _chunk("lupus", "Lupus - What is Lupus? (MedlinePlus)", "Lupus is a disease in which the immune system attacks "
           "healthy tissue. Some people with lupus take prednisone to calm the immune system."),
    _chunk("crohn", "Crohn's Disease - What is Crohn's disease? (NIDDK)", "Crohn's disease is a chronic disease "
           "that causes inflammation of the digestive tract."),
]


def _index() -> SubjectIndex:
    return SubjectIndex(CHUNKS, load_medicines(), frozenset({"kidney", "what", "is", "the"}))


def test_subjects_come_from_titles_and_the_medicines_vocabulary() -> None:
    index = _index()
    assert index.about["pred-ar"] == {"prednisone"} and "lupus" in index.about["lupus"]
    assert [s.key for s in index.find("does Deltasone help lupus")] == ["prednisone", "lupus"]
    assert [s.key for s in index.find("crohns symptoms")] == ["crohn's disease"]  # the generic tail dropped
    assert title_topics("Systemic lupus erythematosus (lupus) (MedlinePlus)") == ["systemic lupus erythematosus",
                                                                                  "lupus"]


def test_on_subject_by_document_or_by_naming_it() -> None:
    index = _index()
    [prednisone] = index.find("prednisone")
    assert index.on_subject("pred-ar", "Sodium retention.", prednisone)  # the document is about it
    assert index.on_subject("lupus", "Some people with lupus take prednisone.", prednisone)  # names it
    assert not index.on_subject("preg-dose", "Doses above 300 mg/day are not recommended.", prednisone)


def test_unknown_names_are_neither_corpus_nor_everyday_words_nor_typos() -> None:
    common = frozenset({"is", "safe", "for", "chronic", "pain", "what", "conditions", "can", "cause"})
    stems = frozenset({"lupus", "pain", "chronic"})
    assert unknown_names("is kratom safe for chronic pain", stems, common) == ["kratom"]
    assert unknown_names("can lupis cause pain", stems, common) == []  # a typo of a corpus word
    assert unknown_names("is humira safe", stems, common, ignore=["humira"]) == []
    # two everyday words written as one are not a name
    common |= {"body", "builders", "use"}
    assert unknown_names("is pain what bodybuilders use", stems, common) == []
    assert unknown_names("is kratom what bodybuilders use", stems, common) == ["kratom"]


def test_quotable_sentences_only() -> None:
    assert not is_quotable("Pathologic fracture of long bones.")
    assert not is_quotable("May suppress reactions to skin tests.")
    assert not is_quotable("Musculoskeletal:")
    assert not is_quotable("2.5 Ankylosing Spondylitis For AS, the dosage of CELEBREX is 200 mg daily.")
    assert not is_quotable("ADVERSE REACTIONS")
    assert is_quotable("Regular blood tests can help track potential side effects.")
    assert leans_back("They increase the chance of bleeding.") and not leans_back("Aspirin increases bleeding.")
    assert not leans_back("It's essential for patients to work closely with their providers.")
    # an opening clause pointing back with "these/those" and a noun; not a "they" the sentence itself names later
    assert leans_back("When opioids attach to these receptors, they block pain signals sent from the brain.")
    assert not leans_back("Since they lower the body's ability to fight infections, patients using these "
                          "medications must be monitored closely.")
    assert leans_back("It can cause liver damage.")


def test_which_conditions_asks_for_examples() -> None:
    assert classify("Which conditions cause chronic pain that these drugs treat?") == "examples"
    assert classify("what causes lupus") == "causes"
    fits = answers_type("examples")
    assert fits("Chronic pain is often a symptom of conditions such as rheumatoid arthritis and lupus.")
    assert not fits("Immunosuppressants play a crucial role in managing chronic pain.")


def test_question_types_and_their_answers() -> None:
    assert classify("how often do adults need a tetanus booster") == "frequency"
    assert classify("what are the side effects of methotrexate?") == "side_effects"
    assert classify("how long does prednisone take to work") == "duration"
    assert answers_type("frequency")("Adults need a booster every 10 years.")
    assert not answers_type("frequency")("Tetanus is a serious disease.")
    # How a condition is found, not routine checks on a medicine.
    assert classify("what blood tests show rheumatoid arthritis") == "diagnosis"
    assert classify("how do they know it's lupus") == "diagnosis"
    assert classify("how often do i need blood tests on methotrexate") == "monitoring"
    assert answers_type("diagnosis")("The rheumatoid factor test helps confirm the diagnosis.")
    # A relative has it, or it would pass to one's children: whether it is inherited, not a yes/no on anything.
    assert classify("mum has sjogrens, does that mean im more likely to get it") == "inheritance"
    assert classify("will my kids get my ankylosing spondylitis") == "inheritance"
    assert classify("will my baby get it from breast milk") != "inheritance"  # passing on by milk, not genes
    assert classify("can my grandkids catch shingles off me") != "inheritance"
    # What a term is, also after some context or written "whats".
    assert classify("dermatologist mentioned a biologic for my psoriasis. what actually is a biologic") == "definition"
    assert classify("whats sjogrens") == "definition"
    # how it goes on from here (answers-dev-11: "does sjögren's get worse over time?" led with how common it is)
    assert classify("does sjögren's get worse over time?") == "prognosis"
    assert classify("will i still have a normal lifespan with it?") == "prognosis"
    assert classify("NMO prognosis? am i going to lose my sight") == "prognosis"
    assert classify("is it getting worse because of the weather") == "yes_no"
    # the question after its context in one sentence; "last" as a time is no duration
    assert classify("i'm on a blood thinner, are painkillers like ibuprofen riskier for me?") == "yes_no"
    assert classify("i already had shingles last year, can i still get it?") == "yes_no"
    assert classify("how long does the rash last") == "duration"


def test_the_composer_never_quotes_another_drugs_facts_and_leads_with_a_whole_sentence() -> None:
    embedder = FakeEmbedder()
    index = _index()
    composer = ExtractiveComposer(embedder, subjects=index)
    hits = [Hit(chunk=c, score=1.0) for c in CHUNKS]
    finder = FocusFinder(index, ["prednisone", "fluid", "retention", "lupus"], frozenset())
    question = "What are the side effects of prednisone?"
    out = composer.compose(question, embedder.embed_query(question), hits, focus=finder.focus(question))
    assert "300 mg/day" not in out.text and "Sodium retention." not in out.text
    assert out.text.startswith("The prednisone label says: Fluid retention")  # the label is named
    assert {c.doc_id for c in out.citations} <= {"pred-ar", "lupus"}


def test_a_labels_joined_list_leads_only_when_a_list_is_asked_for() -> None:
    embedder = FakeEmbedder()
    label = _chunk("pred-msk", "prednisone - ADVERSE REACTIONS (DailyMed (NLM) / FDA drug label)",
                   "Muscle weakness; Steroid myopathy; Loss of muscle mass; Pathologic fracture of long bones.",
                   publisher="DailyMed (NLM) / FDA drug label")
    label = replace(label, heading="Musculoskeletal")
    chunks = [label, CHUNKS[2]]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    composer = ExtractiveComposer(embedder, subjects=index)
    hits = [Hit(chunk=c, score=1.0) for c in chunks]
    finder = FocusFinder(index, ["prednisone", "lupus"], frozenset())
    question = "how long does prednisone take to work"
    out = composer.compose(question, embedder.embed_query(question), hits, focus=finder.focus(question))
    assert out.citations and not out.text.startswith("The prednisone label lists")
    question = "what are the side effects of prednisone"
    out = composer.compose(question, embedder.embed_query(question), hits, focus=finder.focus(question))
    assert out.text.startswith("The prednisone label lists under Musculoskeletal: Muscle weakness;")
    # Without a subject to lock on, a label sentence still says whose label it is.
    index = _index()
    composer = ExtractiveComposer(embedder, subjects=index)
    question = "what can happen if you take it for a long time"
    out = composer.compose(question, embedder.embed_query(question), [Hit(chunk=CHUNKS[0], score=1.0)],
                           focus=Focus())
    assert out.text.startswith("The prednisone label says: Fluid retention")


def test_two_subjects_need_a_passage_that_joins_them() -> None:
    embedder = FakeEmbedder()
    index = _index()
    composer = ExtractiveComposer(embedder, subjects=index)
    hits = [Hit(chunk=c, score=1.0) for c in CHUNKS]
    finder = FocusFinder(index, [], frozenset())
    joined = "does prednisone help lupus"
    out = composer.compose(joined, embedder.embed_query(joined), hits, focus=finder.focus(joined))
    assert out.joined and out.citations[0].doc_id == "lupus"
    apart = "does pregabalin help crohns"
    out = composer.compose(apart, embedder.embed_query(apart), hits, focus=finder.focus(apart))
    assert not out.joined


def test_with_two_subjects_the_lead_is_the_sentence_that_joins_them() -> None:
    embedder = FakeEmbedder()
    gout = _chunk("gout-risk", "Gout - Who is at risk for Gout? (NIHSeniorHealth)",
                  "Gout is a painful kind of arthritis that comes and goes in the joints. Some medicines can cause "
                  "gout in older people. People who take cyclosporine after a transplant are at higher risk.")
    index = SubjectIndex([gout], load_medicines(), frozenset({"what", "is", "the", "can"}))
    composer = ExtractiveComposer(embedder, subjects=index)
    question = "can cyclosporine cause gout"
    focus = FocusFinder(index, [], frozenset()).focus(question)
    assert [s.key for s in focus.subjects] == ["cyclosporine", "gout"]
    out = composer.compose(question, embedder.embed_query(question), [Hit(chunk=gout, score=1.0)], focus=focus)
    assert out.joined and out.text.startswith("People who take cyclosporine after a transplant are at higher risk.")
    # One subject: the lead is the closest sentence, wherever it is.
    question = "what is gout"
    out = composer.compose(question, embedder.embed_query(question), [Hit(chunk=gout, score=1.0)],
                           focus=FocusFinder(index, [], frozenset()).focus(question))
    assert out.text.startswith("Gout is a painful kind of arthritis")


def test_not_covered_names_what_was_asked() -> None:
    focus = Focus(subjects=tuple(_index().find("methotrexate")), question_type="side_effects")
    assert asked_about(focus) == "the side effects of methotrexate"
    assert asked_about(Focus()) == "that"
    assert asked_about(Focus(unknown=("kratom",))) == "this question about kratom"


def test_type_cue_words_leave_the_asked_subject_alone() -> None:
    from citecare.answer.question_type import type_words

    assert type_words("what is ehlers danlos syndrome and why does it cause joint pain") == [
        "what", "why", "does", "cause"]
    assert type_words("how often do you need a shingles vaccine") == ["how", "often"]
    assert classify("does prednisone cause insomnia") == "yes_no"  # a yes/no question about an effect
    assert classify("what causes lupus") == "causes"
    assert answers_type("frequency")("The recommended schedule is a single dose for adults 60 years and older.")


def test_not_covered_names_what_was_asked_in_the_patients_words() -> None:
    index = _index()
    common = frozenset({"what", "is", "the", "lyme", "arthritis", "symptoms", "of"})
    finder = FocusFinder(index, {"lupus": 3, "arthritis": 40, "immune": 9}, common)
    assert finder.focus("what is lyme arthritis").topic == "lyme arthritis"  # no subject: its rarest words
    assert asked_about(finder.focus("what are the symptoms of lyme arthritis")) == "the symptoms of lyme arthritis"
    unknown = FocusFinder(index, {"arthritis": 40}, frozenset({"what", "is", "arthritis"}))
    assert unknown.focus("what is lyme arthritis").label == "lyme arthritis"  # an unknown name and its neighbour
    [deltasone] = index.find("is Deltasone safe")
    assert deltasone.key == "prednisone" and deltasone.said == "deltasone"
    assert Focus(subjects=(deltasone,)).label == "deltasone"


def test_the_evidence_gate_needs_subject_aspect_and_closeness() -> None:
    from citecare.answer.compose import Composition
    from citecare.answer.evidence import evidence_verdict
    from citecare.answer.retrieval import Retrieval
    from citecare.config import Settings

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    hit = Hit(chunk=CHUNKS[0], score=1.0)
    found = Retrieval("q", (hit,), (), best_similarity=0.6, overlap=1.0)
    [prednisone] = _index().find("prednisone")
    close = Composition("Fluid retention is a side effect. [1]", (), (), best_similarity=0.7, aspect_coverage=1.0)
    focus = Focus(subjects=(prednisone,), question_type="side_effects")
    assert evidence_verdict(found, close, settings, focus) == (True, "")
    assert evidence_verdict(found, replace(close, lead_fits=False), settings, focus) == (False, "question_type")
    assert evidence_verdict(found, replace(close, on_subject=False), settings, focus) == (False, "off_subject")
    assert evidence_verdict(found, close, settings, Focus(unknown=("kratom",))) == (False, "unknown_subject")
    far = replace(close, best_similarity=0.3, aspect_coverage=0.0)  # 0.6 + 0 + 0.15 is below the threshold
    assert evidence_verdict(found, far, settings, Focus(subjects=(prednisone,))) == (False, "low_score")
    follow_up = Focus(subjects=(prednisone,), aspect_terms=frozenset({"leg"}), inherited=True)
    assert evidence_verdict(found, replace(close, aspect_coverage=0.0), settings, follow_up) == (False, "aspect")


def test_side_effects_doses_and_interactions_need_a_medicine() -> None:
    """"How will my doctor keep an eye on side effects?" with no medicine named and none earlier: which one?"""
    from citecare.answer.compose import Composition
    from citecare.answer.evidence import evidence_verdict
    from citecare.answer.retrieval import Retrieval
    from citecare.config import Settings

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    # Everyday words the library uses: nothing in these questions names a topic.
    words = ["doctor", "keep", "eye", "side", "effects", "usual", "dose", "kidneys"]
    finder = FocusFinder(_index(), {w: 5 for w in words},
                         frozenset({"how", "will", "my", "on", "an", "the", "what", "is", *words}))
    asked = finder.focus("How will my doctor keep an eye on side effects?")
    assert asked.medicine_specific and not asked.subjects
    assert finder.focus("what is the usual dose?").medicine_specific
    assert not finder.focus("how will my doctor keep an eye on my kidneys?").medicine_specific
    found = Retrieval("q", (Hit(chunk=CHUNKS[0], score=1.0),), (), best_similarity=0.8, overlap=1.0)
    two_documents = (_citation(1, CHUNKS[0]), _citation(2, CHUNKS[1]))
    close = Composition("Steroids can have side effects. [1] Blood tests check the liver. [2]", two_documents, (),
                        best_similarity=0.8, aspect_coverage=1.0)
    assert evidence_verdict(found, close, settings, asked) == (False, "needs_medicine")
    # Asked of a one-article library (the seed, an article on a kind of medicine), that article's own answer stands…
    one_document = replace(close, citations=(_citation(1, CHUNKS[2]),))
    assert evidence_verdict(found, one_document, settings, asked)[1] != "needs_medicine"
    # …but one drug's own page ("prednisone - ADVERSE REACTIONS") would answer for a medicine nobody named.
    one_drugs_page = replace(close, citations=two_documents[:1])
    assert evidence_verdict(found, one_drugs_page, settings, asked) == (False, "needs_medicine")
    # Named, inherited from the conversation, or a name the sources may not know ("fosamax side effects"): asked.
    [prednisone] = _index().find("prednisone")
    assert evidence_verdict(found, close, settings, replace(asked, subjects=(prednisone,), inherited=True))[1] != (
        "needs_medicine")
    assert evidence_verdict(found, close, settings, replace(asked, topic="fosamax"))[1] != "needs_medicine"


def test_a_definition_question_is_about_the_term_it_defines_not_its_context() -> None:
    chunks = [_chunk("bio", "Biologic - What is a biological product? (FDA)", "Biologics are made from living sources."),
              _chunk("pso", "Psoriasis - What is Psoriasis? (NIH)", "Psoriasis is a skin disease treated with biologics."),
              *[_chunk(f"gout-{i}", f"Gout - What is Gout? ({i})", "Gout is a kind of arthritis.") for i in range(30)]]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    finder = FocusFinder(index, [], frozenset())
    asked = finder.focus("dermatologist mentioned a biologic for my psoriasis. what actually is a biologic")
    assert asked.question_type == "definition" and [s.key for s in asked.subjects] == ["biologic"]
    both = finder.focus("is a biologic used for psoriasis")  # not a definition: both subjects stay
    assert sorted(s.key for s in both.subjects) == ["biologic", "psoriasis"]


def test_a_vaccine_named_by_what_it_prevents_is_that_vaccine_not_vaccines_in_general() -> None:
    chunks = [
        _chunk("vacc", "Vaccines - Who should get vaccinated? (CDC)", "Most vaccines are safe for adults. Some "
               "people on medicines that weaken the immune system should not get live vaccines."),
        _chunk("yf", "Travel - Yellow fever (CDC)", "The yellow fever vaccine is a live vaccine given before "
               "travel to some parts of Africa and South America."),
    ]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    finder = FocusFinder(index, [], frozenset())
    [rsv] = finder.focus("is the RSV vaccine recommended for people over 60").subjects
    assert (rsv.label, rsv.is_class) == ("rsv vaccine", False)
    assert not any(index.on_subject(c.doc_id, c.text, rsv) for c in chunks)  # vaccines in general do not answer
    assert asked_about(finder.focus("is the rsv vaccine recommended for people over 60")) == (
        "this question about rsv vaccine")
    [hep_a] = finder.focus("do i need the hepatitis A jab").subjects
    assert (hep_a.label, hep_a.qualifier) == ("hepatitis a jab", (stem("hepatitis"), stem("a")))
    [yellow] = finder.focus("going to kenya, do i need the yellow fever jab").subjects
    assert index.on_subject("yf", chunks[1].text, yellow) and not index.on_subject("vacc", chunks[0].text, yellow)
    # A member the vocabulary knows stays that member; a word that names no vaccine keeps the class.
    assert [s.key for s in finder.focus("should I get my covid 19 booster").subjects] == ["covid vaccine"]
    assert [s.key for s in finder.focus("do i need a flu jab").subjects] == ["flu vaccine"]
    [general] = finder.focus("can i have live vaccines on methotrexate").subjects[:1]
    assert general.is_class and general.key == "vaccine"
    assert finder.focus("when is the next vaccine due").subjects[0].is_class
    # A list of vaccines, or a class mention beside a member the question names, stays as it was.
    assert finder.focus("What are Tetanus, Diphtheria, and Pertussis Vaccines?").subjects[-1].is_class
    assert "tad vaccine" not in [s.label for s in finder.focus("td vaccine (90714)what is a tad vaccine").subjects]
    # A member named with the class term is that member alone: any vaccine's page would join "vaccines".
    assert [(s.key, s.is_class) for s in finder.focus("what age should boys get the gardasil vaccine").subjects] == [
        ("hpv vaccine", False)]
    assert not any(s.is_class for s in finder.focus("when does my baby get her prevnar jabs").subjects)


# --- a document about a medicine's class is about the medicine ------------------------------------------
CLASS_CHUNKS = [
    _chunk("immuno", "Immunosuppressants - Why are they monitored? (NIH)",
           "Some commonly used immunosuppressants include corticosteroids and methotrexate. Regular blood tests can "
           "help track potential side effects of these medicines. Corticosteroids can cause weight gain over many "
           "months. Prednisone can raise the blood sugar of some people."),
    CHUNKS[0],  # the prednisone label: about another member of the class
    _chunk("opioids", "Opioids - What are prescription opioids? (NIDA)",
           "Use of opioids can lead to drowsiness and slow breathing in some people."),
    _chunk("vaccines", "Vaccines - Why get vaccinated? (CDC)", "Vaccines can cause a sore arm for a day or two."),
]


def _class_index() -> SubjectIndex:
    return SubjectIndex(CLASS_CHUNKS, load_medicines(), frozenset({"what", "is", "the", "why"}))


def test_a_document_about_a_medicines_class_is_about_the_medicine_but_not_another_members_label() -> None:
    index = _class_index()
    [methotrexate] = index.find("methotrexate")
    [prednisone] = index.find("prednisone")
    assert is_about_class_of(index, "immuno", methotrexate) and is_about_class_of(index, "immuno", prednisone)
    assert not is_about_class_of(index, "pred-ar", methotrexate)  # prednisone is an immunosuppressant too
    assert not is_about_class_of(index, "opioids", methotrexate)  # not a class methotrexate is in
    assert index.on_subject("immuno", "Regular blood tests can help.", methotrexate)
    assert not index.on_subject("pred-ar", "Sodium retention.", methotrexate)


def test_a_class_fact_names_no_other_medicine_and_no_class_the_medicine_is_not_in() -> None:
    index = _class_index()
    [methotrexate] = index.find("methotrexate")
    [prednisone] = index.find("prednisone")
    blood = "Regular blood tests can help track potential side effects of these medicines."
    weight = "Corticosteroids can cause weight gain over many months."
    sugar = "Prednisone can raise the blood sugar of some people."
    assert states_class_fact(index, "immuno", blood, methotrexate)
    assert not states_class_fact(index, "immuno", weight, methotrexate)  # methotrexate is no corticosteroid
    assert states_class_fact(index, "immuno", weight, prednisone)  # …prednisone is
    assert not states_class_fact(index, "immuno", sugar, methotrexate)  # another drug's fact
    assert not states_class_fact(index, "pred-ar", "Fluid retention is a side effect.", methotrexate)


def test_a_page_on_vaccines_in_general_is_not_about_one_vaccine() -> None:
    index = _class_index()
    [shingles] = index.find("shingrix")
    assert not classes_of(index, shingles)
    assert not is_about_class_of(index, "vaccines", shingles)


def test_subject_first_puts_the_medicines_own_documents_before_its_class_documents() -> None:
    index = _class_index()
    [methotrexate] = index.find("methotrexate")
    focus = Focus(subjects=(methotrexate,))
    lupus = _chunk("lupus-mtx", "Lupus - Treatment (NIH)", "Methotrexate is sometimes used for lupus.")
    blood = replace(CLASS_CHUNKS[0], chunk_id="immuno-1", text="Regular blood tests can help track side effects.")
    hits = [Hit(chunk=c, score=1.0) for c in (CHUNKS[0], CLASS_CHUNKS[2], blood, lupus)]
    assert [h.chunk.doc_id for h in subject_first(hits, focus, index, 4)] == ["lupus-mtx", "immuno", "pred-ar",
                                                                                "opioids"]


def test_the_composer_quotes_class_facts_for_a_member_with_the_sentence_that_names_it() -> None:
    embedder = FakeEmbedder()
    index = _class_index()
    composer = ExtractiveComposer(embedder, subjects=index)
    hits = [Hit(chunk=c, score=1.0) for c in (CHUNKS[0], CLASS_CHUNKS[0])]  # the prednisone label ranked first
    finder = FocusFinder(index, ["methotrexate", "blood", "tests"], frozenset())
    question = "Why do I need blood tests on methotrexate?"
    out = composer.compose(question, embedder.embed_query(question), hits, focus=finder.focus(question))
    assert out.on_subject and "Regular blood tests can help track" in out.text
    # The answer says methotrexate is one of them, first; no other drug's or other class's facts.
    assert out.text.startswith("Some commonly used immunosuppressants include corticosteroids and methotrexate.")
    assert "weight gain" not in out.text and "blood sugar" not in out.text and "Fluid retention" not in out.text
    assert {c.doc_id for c in out.citations} == {"immuno"}


def test_a_page_on_the_class_two_asked_medicines_share_does_not_join_them() -> None:
    embedder = FakeEmbedder()
    index = _class_index()
    composer = ExtractiveComposer(embedder, subjects=index)
    hits = [Hit(chunk=CLASS_CHUNKS[2], score=1.0)]
    finder = FocusFinder(index, ["dilaudid", "morphine", "stronger"], frozenset())
    question = "is dilaudid stronger than morphine"
    focus = finder.focus(question)
    assert {s.key for s in focus.subjects} == {"hydromorphone", "morphine"}
    out = composer.compose(question, embedder.embed_query(question), hits, focus=focus)
    assert not out.text and not out.on_subject


def test_typo_correction_never_turns_a_name_the_library_knows_into_an_everyday_word() -> None:
    from citecare.answer.query import Vocabulary

    cushing = _chunk("cushing", "Cushing's Syndrome - What is Cushing's syndrome? (NIDDK)",
                     "Cushing's syndrome is a disorder causing weight gain. Sit on cushions. Drink liquids. "
                     "Immunosuppressants cause immune suppression. Methotrexate is a medicine.")
    index = SubjectIndex([*CHUNKS, cushing], load_medicines(), frozenset())
    names = name_words(index)
    assert {"cushing's", "cushing", "cushings", "eliquis", "suppressing"} <= names  # possessive heads, vocabulary
    texts = [c.text for c in [*CHUNKS, cushing]]
    plain, guarded = Vocabulary(texts), Vocabulary(texts, names)
    # Without the names, correction erases the subject: the lock then has nothing to hold on to.
    assert plain.correct("signs of cushing syndrome") == "signs of causing syndrome"
    # …except a medicine's name, which the drug dictionary keeps even without the library's names.
    assert plain.correct("can i take ibuprofen with eliquis") == "can i take ibuprofen with eliquis"
    for question in ("signs of cushing syndrome", "can steroids give you cushings",
                     "can i take ibuprofen with eliquis", "are immune suppressing drugs safe"):
        assert guarded.correct(question) == question
    assert [s.key for s in index.find(guarded.correct("can steroids give you cushings"))] == [
        "corticosteroid", "cushing's syndrome"]
    assert "apixaban" in {s.key for s in index.find(guarded.correct("can i take ibuprofen with eliquis"))}
    # Typos are still corrected, a misspelt name into the name ("immunosupressants" is a vocabulary form).
    assert guarded.correct("is methotrexat safe") == "is methotrexate safe"
    assert guarded.correct("my immunosupressants") == "my immunosuppressants"


def test_typo_correction_never_rewrites_a_real_english_word() -> None:
    from citecare.answer.query import Vocabulary

    vocabulary = Vocabulary(["Other people may get it. Patients taking it need tests. Methotrexate is a medicine."])
    # "brother" is no word of this library, but it is English: before, it became "other" (and "asking" "taking")
    assert vocabulary.correct("what's the chance her little brother gets it") == (
        "what's the chance her little brother gets it")
    assert vocabulary.correct("asking about methotrexat") == "asking about methotrexate"
    # Nor a frequent word the embedding model's word list lacks: "how many rabies vaccine doses…" was answered
    # about babies' vaccines (answers-dev-8); a typo is still corrected.
    babies = Vocabulary(["Babies need vaccines. Vaccines protect babies and lupus patients."])
    assert babies.correct("how many rabies vaccine doses do you need") == "how many rabies vaccine doses do you need"
    assert babies.correct("do vacines help with lupus") == "do vaccines help with lupus"


def test_typo_correction_keeps_one_medicine_from_becoming_another_or_a_word() -> None:
    """The drug dictionary: a real medicine's name is corrected only into a name of the same medicine."""
    from citecare.answer.query import Vocabulary

    vocabulary = Vocabulary(["Prednisone and methotrexate. Alendronate for bones. Foams and creams."])
    assert vocabulary.correct("is fosamax ok") == "is fosamax ok"  # not "foams": the sources lack it
    assert vocabulary.correct("prednisolone dose") == "prednisolone dose"  # another medicine than prednisone
    assert vocabulary.correct("methotrexat for pain") == "methotrexate for pain"  # a spelling of the same one
    assert vocabulary.correct("predisone side effects") == "prednisone side effects"  # an ordinary typo


def test_typo_correction_leaves_a_contraction_without_its_apostrophe_alone() -> None:
    from citecare.answer.query import Vocabulary, is_contraction

    vocabulary = Vocabulary(["People who should take morphine. Morphine should be stored safely."])
    assert vocabulary.correct("who shouldnt take morphine") == "who shouldnt take morphine"  # not "who should"
    assert classify(vocabulary.correct("who shouldnt take kadian")) == "who_should_not"
    assert classify("who is not supposed to take kadian") == "who_should_not"
    assert classify("who isn't allowed to have the flu jab") == "who_should_not"
    assert classify("Who is supposed to get the BCG vaccine, does it stop TB?") != "who_should_not"
    assert is_contraction("theyre") and is_contraction("couldnt") and not is_contraction("should")
    assert vocabulary.correct("who shuold take morphine") == "who should take morphine"  # typos still corrected


def test_typo_correction_joins_two_words_the_sources_write_as_one() -> None:
    from citecare.answer.query import Vocabulary

    vocabulary = Vocabulary(["Postherpetic neuralgia follows shingles. Therapeutic doses. Immunosuppressants help. "
                             "Everyday life. Forms of arthritis."])
    assert vocabulary.correct("what is post herpetic neuralgia") == "what is postherpetic neuralgia"  # not "therapeutic"
    assert vocabulary.correct("are immuno-suppressants safe") == "are immunosuppressants safe"
    # Short words are left apart: "for ms" is not "forms", nor "every day" "everyday".
    assert vocabulary.correct("immunosuppressants for ms pain") == "immunosuppressants for ms pain"
    assert vocabulary.correct("taken every day") == "taken every day"


def test_inheritance_is_asked_apart_from_causes() -> None:
    assert classify("is ulcerative colitis genetic") == "inheritance"
    assert classify("does it run in families") == "inheritance"
    assert classify("Is ulcerative colitis inherited?") == "inheritance"  # the genetics pages' own section
    assert classify("What are the genetic changes related to ulcerative colitis?") == "causes"
    assert classify("what causes lupus") == "causes"
    assert answers_type("inheritance")("This condition tends to run in families.")
    assert not answers_type("inheritance")("Ulcerative colitis is a chronic disease of the colon.")
    assert asked_about(Focus(subjects=(Subject("lupus", "lupus"),), question_type="inheritance")) == (
        "whether lupus runs in families")


def test_a_topic_asked_by_its_acronym_is_also_searched_by_its_name() -> None:
    pml = Subject("progressive multifocal leukoencephalopathy", "progressive multifocal leukoencephalopathy")
    focus = Focus(subjects=(pml,))
    assert with_subject("what even is PML", focus) == (
        "what even is PML (progressive multifocal leukoencephalopathy)?")
    assert with_subject("what is progressive multifocal leukoencephalopathy", focus) == (
        "what is progressive multifocal leukoencephalopathy")
    named = Subject("adalimumab", "adalimumab", said="humira")  # a brand: the lay-term expansion names the generic
    assert with_subject("humira side effects", Focus(subjects=(named,))) == "humira side effects"
    inherited = Focus(subjects=(Subject("lupus", "lupus"),), inherited=True)
    assert with_subject("and the symptoms?", inherited) == "and the symptoms (lupus)?"


def test_a_follow_up_of_a_recognisable_shape_is_covered_in_meaning_by_a_close_lead_of_that_shape() -> None:
    from citecare.answer.compose import Composition
    from citecare.answer.evidence import evidence_verdict
    from citecare.answer.retrieval import Retrieval
    from citecare.config import Settings

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    found = Retrieval("q", (Hit(chunk=CHUNKS[0], score=1.0),), (), best_similarity=0.7, overlap=1.0)
    [prednisone] = _index().find("prednisone")
    lead = Composition("Symptoms include swelling in the legs. [1]", (), (), best_similarity=0.7,
                       aspect_coverage=0.0, lead_similarity=0.7, lead_fits=True)
    # "what symptoms would i notice" after prednisone: "notice" is in no passage, but the lead is a close symptom.
    symptoms = Focus(subjects=(prednisone,), question_type="symptoms", aspect_terms=frozenset({"notic"}),
                     inherited=True)
    assert evidence_verdict(found, lead, settings, symptoms) == (True, "")
    # A lead far in meaning, or not of the asked shape, or a question of no particular shape: the new words decide.
    assert evidence_verdict(found, replace(lead, lead_similarity=0.4), settings, symptoms) == (False, "aspect")
    assert evidence_verdict(found, replace(lead, lead_fits=False), settings, symptoms) == (False, "aspect")
    other = replace(symptoms, question_type="other", aspect_terms=frozenset({"leg"}))
    assert evidence_verdict(found, lead, settings, other) == (False, "aspect")


@pytest.mark.parametrize(("question", "kind"), [
    ("i have psoriasis what are the chances i get psoriatic arthritis", "likelihood"),
    ("how likely is it that autoimmune hepatitis goes into remission with treatment", "likelihood"),
    ("what percent of crohns patients end up needing surgery", "likelihood"),
    ("how common is lupus", "likelihood"),
    # asked of a relative it is inheritance; "does it raise my chance of…" is a yes/no question
    ("My daughter has JIA. What is the chance her little brother gets it as well?", "inheritance"),
    ("one of my kids has juvenile idiopathic arthritis, what are the chances for his brother", "inheritance"),
    ("does it raise your chance of infections", "yes_no"),
    ("could my baby get it from breast milk, whats the risk", "yes_no"),
])
def test_how_likely_something_is(question: str, kind: str) -> None:
    assert classify(question) == kind


def test_a_likelihood_is_answered_with_a_quantity() -> None:
    fits = answers_type("likelihood")
    assert fits("Between 5 and 10 percent of people with psoriasis develop psoriatic arthritis.")
    assert fits("In about seven out of 10 people, the disease goes into remission within 3 years.")
    assert fits("Rheumatoid arthritis affects about 1.3 million adults in the United States.")
    assert not fits("In some people with mild autoimmune hepatitis, the disease may go into remission.")
    assert not fits("Lupus nephritis is treated with medications that suppress the immune system.")


def test_a_topic_is_named_by_its_leading_word_only_when_nothing_else_could_be() -> None:
    from citecare.answer.short_names import leading_words
    from citecare.text import is_english_word

    topics = ["polymyalgia rheumatica", "pertussis vaccines", "juvenile arthritis", "lupus", "lupus nephritis",
              "herpes zoster", "herpes simplex", "thiopurine s-methyltransferase deficiency", "ulcerative colitis"]
    # "how quickly does prednisone work for polymyalgia" was locked on prednisone alone and quoted a sarcoidosis
    # page (answers-dev-8); pertussis vaccines are vaccines, juvenile is a word, lupus a topic, herpes two, and
    # "ulcerative" is matched by its stem, "ulcer" (an ibuprofen label's ulcer warning named ulcerative colitis).
    assert leading_words(topics, is_english_word) == {"polymyalgia": "polymyalgia rheumatica"}


def test_what_a_question_sets_aside_is_not_a_subject() -> None:
    finder = FocusFinder(_index(), [], frozenset())
    assert [s.key for s in finder.focus("what helps lupus apart from prednisone").subjects] == ["lupus"]
    assert [s.key for s in finder.focus("besides prednisone what else treats lupus").subjects] == ["lupus"]
    # with nothing else asked about, what was set aside stays the subject; "as well as" sets nothing aside
    assert [s.key for s in finder.focus("what can i take instead of prednisone").subjects] == ["prednisone"]
    assert {s.key for s in finder.focus("does prednisone as well as lupus cause that").subjects} == {"prednisone",
                                                                                                   "lupus"}


def test_a_condition_and_its_named_kind_are_one_subject_the_kind() -> None:
    chunks = [*CHUNKS, _chunk("ln", "Lupus Nephritis - What to do for Lupus Nephritis? (NIDDK)",
                              "People with lupus nephritis and high blood pressure may benefit from reducing sodium.")]
    finder = FocusFinder(SubjectIndex(chunks, load_medicines(), frozenset()), [], frozenset())
    focus = finder.focus("does she need to change what she eats?",
                         ["My daughter has lupus and they've found lupus nephritis. What is that?"])
    assert [s.key for s in focus.subjects] == ["lupus nephritis"]


def test_a_page_on_anabolic_steroids_does_not_speak_of_corticosteroids() -> None:
    chunks = [*CHUNKS,
              _chunk("anabolic", "steroids - Are anabolic steroids addictive? (NIDA (NIH))",
                     "People who abuse steroids may experience withdrawal symptoms, including mood swings."),
              _chunk("steroids", "Steroids (MedlinePlus)", "You may have heard of anabolic steroids, which can have "
                     "harmful effects. Steroids can cause mood swings and sleep problems.")]
    index = SubjectIndex(chunks, load_medicines(), frozenset())
    [steroids] = index.find("can steroids mess with your mood")
    assert steroids.key == "corticosteroid"
    assert not index.is_about("anabolic", steroids) and index.is_about("steroids", steroids)
    assert not index.on_subject("anabolic", "People who abuse steroids may experience withdrawal symptoms.", steroids)
    assert not index.on_subject("steroids", "You may have heard of anabolic steroids, which can have harmful effects.",
                                steroids)
    assert index.on_subject("steroids", "Steroids can cause mood swings and sleep problems.", steroids)
    composer = ExtractiveComposer(FakeEmbedder(), subjects=index)
    question = "can steroids mess with your mood"
    out = composer.compose(question, FakeEmbedder().embed_query(question), [Hit(chunk=c, score=1.0) for c in chunks],
                           focus=FocusFinder(index, [], frozenset()).focus(question))
    assert "anabolic" not in out.text and "abuse" not in out.text and {c.doc_id for c in out.citations} == {"steroids"}


def test_steroids_from_the_gym_are_anabolic_steroids_and_a_comparison_keeps_both() -> None:
    finder = FocusFinder(_index(), [], frozenset())
    assert [s.key for s in finder.focus("can u get addicted to steroids? like the gym ones not the medical ones"
                                        ).subjects] == ["anabolic steroid"]
    assert [s.key for s in finder.focus("can steroids mess with your mood").subjects] == ["corticosteroid"]
    both = finder.focus("is a steroid injection the same thing as the steroids bodybuilders use??")
    assert {s.key for s in both.subjects} == {"anabolic steroid", "corticosteroid"}


def test_a_vaccine_and_the_condition_it_prevents_stay_two_subjects() -> None:
    chunks = [*CHUNKS, _chunk("zos", "Shingles - What is Shingles? (NIH)", "Shingles is a painful rash.")]
    finder = FocusFinder(SubjectIndex(chunks, load_medicines(), frozenset()), [], frozenset())
    keys = {s.key for s in finder.focus("can the shingles vaccine treat the shingles i have right now").subjects}
    assert keys == {"shingles vaccine", "shingles"}


def test_there_is_another_leans_back_but_a_bare_but_does_not() -> None:
    assert leans_back("But there's another type of steroid - sometimes called a corticosteroid - that treats a variety "
                      "of problems.")
    assert not leans_back("But foods such as hot spices, alcohol, greasy foods, and milk products may make symptoms "
                          "worse.")
    assert not leans_back("Another name for lupus is SLE.")


def test_a_story_sentence_does_not_name_what_was_asked() -> None:
    # answers-dev-14: "Do copper bracelets help arthritis? My gran swears by hers." was "not covered: swears"
    common = frozenset({"do", "help", "my", "gran", "by", "hers", "is", "safe", "for", "pain"})
    stems = frozenset({"copper", "bracelet", "arthriti", "pain"})
    question = "Do copper bracelets help arthritis? My gran swears by hers."
    assert unknown_names(question, stems, common) == []  # an everyday verb with its ending, not a name
    assert unknown_names("my gran swears by kratom for pain", stems, common) == ["kratom"]
    finder = FocusFinder(_index(), {"copper": 0, "bracelets": 0, "arthritis": 3, "swears": 0}, common)
    assert finder.focus(question).topic == "copper bracelets"


def test_the_odds_of_getting_what_a_parent_has_is_an_inheritance_question() -> None:
    # answers-dev-14: "my mum has MS. what are the chances i get it too?" led with the share of each form of MS
    assert classify("my dad has psoriasis, what are the odds ill get it") == "inheritance"
    assert classify("what are the chances i get psoriatic arthritis") == "likelihood"
    finder = FocusFinder(_index(), [], frozenset())
    assert finder.focus("my mum has lupus. what are the chances i get it too?").question_type == "inheritance"


def test_symptoms_a_treatment_relieves_are_no_list_of_symptoms() -> None:
    # answers-dev-14: "What are the usual symptoms of scleroderma?" led with "…treatments are available to relieve
    # symptoms and limit damage."
    fits = answers_type("symptoms")
    assert not fits("Currently, there is not a cure for scleroderma, however treatments are available to relieve "
                    "symptoms and limit damage.")
    assert fits("Symptoms of scleroderma include hard, thick skin and swelling of the fingers.")
    assert fits("Medicines can relieve symptoms, which include joint pain and fatigue.")
