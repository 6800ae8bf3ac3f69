"""Other names a library gives its topics (``answer.synonyms``), possessives written without the apostrophe, and
label items quoted with their section (``answer.compose``)."""

from __future__ import annotations

from dataclasses import replace

from citecare.answer.asked import with_subject
from citecare.answer.compose import ExtractiveComposer
from citecare.answer.focus_finder import FocusFinder
from citecare.answer.question_type import classify
from citecare.answer.subject import SubjectIndex
from citecare.answer.synonyms import defined_synonyms
from citecare.text import words
from citecare.types import Chunk, Hit, SourceMeta
from citecare.vocab import load_medicines
from tests.fakes import FakeEmbedder

LABEL = "DailyMed (NLM) / FDA drug label"


def _chunk(doc_id: str, title: str, text: str, publisher: str = "NIH", heading: str = "") -> Chunk:
    meta = SourceMeta(doc_id=doc_id, title=title, publisher=publisher)
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, ordinal=1, meta=meta, heading=heading)


def test_a_name_tied_to_one_topic_is_read_as_that_topic() -> None:
    docs = {
        "ssc": ["Systemic scleroderma is an autoimmune disorder. The condition is also called systemic sclerosis "
                "because the fibrosis can affect organs other than the skin."],
        "cush": ["Cushing's syndrome, also called hypercortisolism, is a rare endocrine disorder."],
        "fm": ["Fibromyalgia is also called fibromyalgia syndrome."],
        "gpa": ["Granulomatosis with polyangiitis (GPA), previously known as Wegener's granulomatosis, is rare."],
        # tied to no topic, or one everyday word: left alone
        "liver": ["This immune response causes inflammation of the liver, also called hepatitis."],
        "cs": ["Corticosteroids, also known as steroids, calm inflammation."],
    }
    heads = {"ssc": ["systemic scleroderma"], "cush": ["cushing's syndrome"], "fm": ["fibromyalgia"],
             "gpa": ["granulomatosis with polyangiitis"],
             "liver": ["autoimmune hepatitis"], "cs": ["corticosteroids"]}
    topics = {t for ts in heads.values() for t in ts}
    common = frozenset({"steroids", "the", "liver"})
    assert defined_synonyms(docs, heads, topics, common) == {
        "systemic sclerosis": "systemic scleroderma", "hypercortisolism": "cushing's syndrome",
        "fibromyalgia syndrome": "fibromyalgia", "wegener's granulomatosis": "granulomatosis with polyangiitis"}
    # a name two topics claim means neither
    docs["other"] = ["Morphea, also called systemic sclerosis, is different."]
    heads["other"] = ["morphea"]
    topics.add("morphea")
    assert "systemic sclerosis" not in defined_synonyms(docs, heads, topics, common)


def test_a_name_given_without_also_is_taken_only_when_it_is_no_everyday_phrase() -> None:
    docs = {"sh": ["Antiviral drugs may also help stave off the painful after-effects of shingles known as "
                   "postherpetic neuralgia."],
            "pso": ["Psoriasis speeds up how skin cells grow. This is called cell turnover, and it usually takes "
                    "about a month."]}
    heads = {"sh": ["shingles"], "pso": ["psoriasis"]}
    common = frozenset({"cell", "turnover", "the"})
    # "the painful after-effects of shingles known as postherpetic neuralgia" (answers-dev: gabapentin's label speaks
    # of postherpetic neuralgia, patients of "nerve pain after shingles"); "cell turnover" is no name of psoriasis
    assert defined_synonyms(docs, heads, {"shingles", "psoriasis"}, common) == {"postherpetic neuralgia": "shingles"}


def test_a_question_using_another_name_finds_the_topic_and_searches_by_its_name() -> None:
    chunks = [_chunk("ssc", "Systemic scleroderma - Is systemic scleroderma inherited? (GARD)",
                     "Most cases of systemic scleroderma are not inherited. The condition is also called systemic "
                     "sclerosis because the fibrosis can affect organs."),
              _chunk("cush", "Cushing's syndrome - What is Cushing's syndrome? (GARD)",
                     "Cushing's syndrome, also called hypercortisolism, is a rare endocrine disorder."),
              _chunk("felty", "Felty's syndrome - What is Felty's syndrome? (GARD)",
                     "Felty's syndrome is a rare disorder.")]
    common = frozenset({"is", "what", "the", "in", "down", "passed", "families", "exactly", "syndrome"})
    index = SubjectIndex(chunks, load_medicines(), common)
    corpus_words = [w for c in chunks for w in words(c.text) if w.isalpha()]  # as the lexicon keeps them
    finder = FocusFinder(index, corpus_words, common)
    focus = finder.focus("is systemic sclerosis passed down in families")
    assert [s.key for s in focus.subjects] == ["systemic scleroderma"] and not focus.unknown
    focus = finder.focus("what is hypercortisolism")
    assert [s.key for s in focus.subjects] == ["cushing's syndrome"]
    assert with_subject("what is hypercortisolism", focus) == "what is hypercortisolism (cushing's syndrome)?"
    # "feltys": the library's "felty's" without its apostrophe is not a name no source knows
    focus = finder.focus("what exactly is feltys syndrome")
    assert [s.key for s in focus.subjects] == ["felty's syndrome"] and focus.unknown == ()


def test_a_dose_named_in_passing_is_not_a_dose_question() -> None:
    assert classify("How much does Copaxone cut down relapses?") != "dosage"  # how much it helps
    assert classify("How much more common is Sjogren's in women than in men?") != "dosage"
    assert classify("on high dose prednisone for ages and now a round moon face. is this cushings?") != "dosage"
    assert classify("my 5 year old needs 2 doses. how far apart do they have to be?") == "frequency"
    assert classify("whats the max number of days someone can be on toradol") == "duration"
    for asked in ("how much ibuprofen can i take", "how much does a child take", "what gabapentin doses are used",
                  "is 600mg of gabapentin considered a strong dose?", "dose of methotrexate for ra", "max dose of tylenol",
                  "what strengths does norco come in", "how do they usually build up the dose in the first few days?",
                  "are they the same strength as the kids one"):
        assert classify(asked) == "dosage", asked
    # a person's strength is no medicine's (it made "not covered" likely: a dose question needs a dose in the answer)
    assert classify("how do i build up my strength after a flare") != "dosage"
    assert classify("will i get my strength back after a flare") != "dosage"


def test_whether_ones_children_will_get_it_asks_about_inheritance() -> None:
    assert classify("i have sjogrens. are my kids going to get it too?") == "inheritance"
    assert classify("could our kids get it too?") == "inheritance"
    assert classify("will my baby get it from breast milk") != "inheritance"  # passed on by milk, not genes
    assert classify("can my kids have it") != "inheritance"  # "it" may be a medicine


def test_a_labels_adverse_reaction_items_are_quoted_with_their_label_and_section() -> None:
    embedder = FakeEmbedder()
    endocrine = _chunk("pred-ar", "prednisone - ADVERSE REACTIONS (DailyMed (NLM) / FDA drug label)",
                       "Menstrual irregularities; Development of Cushingoid state; Suppression of growth in children.",
                       publisher=LABEL, heading="Endocrine")
    item = _chunk("mp-ar", "methylprednisolone - ADVERSE REACTIONS (DailyMed (NLM) / FDA drug label)",
                  "May suppress reactions to skin tests", publisher=LABEL)
    dosage = _chunk("mp-dose", "methylprednisolone - DOSAGE AND ADMINISTRATION (DailyMed (NLM) / FDA drug label)",
                    "Initial dosage varies from 4 mg to 48 mg", publisher=LABEL)
    chunks = [endocrine, item, dosage]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the"}))
    composer = ExtractiveComposer(embedder, subjects=index)
    finder = FocusFinder(index, ["prednisone", "growth", "skin", "tests"], frozenset())
    hits = [Hit(chunk=c, score=1.0) for c in chunks]
    question = "what are the side effects of prednisone"
    out = composer.compose(question, embedder.embed_query(question), hits[:1], focus=finder.focus(question))
    assert out.text.startswith("The prednisone label lists under Endocrine: Menstrual irregularities;")
    assert out.lead_fits  # a list in an adverse reactions section answers "side effects"
    question = "can medrol mess up allergy skin tests"
    out = composer.compose(question, embedder.embed_query(question), hits[1:], focus=finder.focus(question))
    assert out.text.startswith("The methylprednisolone label lists among its adverse reactions: May suppress "
                               "reactions to skin tests. [1]")
    # a dosing item is quoted with its section; a fragment of another section has no such frame, never quoted bare
    question = "what dose of medrol"
    out = composer.compose(question, embedder.embed_query(question), [replace(hits[2])], focus=finder.focus(question))
    assert out.text.startswith("The methylprednisolone label gives under dosage: Initial dosage varies from 4 mg")
    # a sub-heading, or a dosing item that changes a dose, is not quoted
    for item in ("Rheumatoid Arthritis Recommended Starting Dose Schedules",
                 "When discontinuing methylprednisolone, taper gradually over a week"):
        dosing = replace(dosage, text=item)
        out = composer.compose(question, embedder.embed_query(question), [Hit(chunk=dosing, score=1.0)],
                               focus=finder.focus(question))
        assert item not in out.text, item
    supplied = _chunk("mp-how", "methylprednisolone - HOW SUPPLIED (DailyMed (NLM) / FDA drug label)",
                      "Tablets of 4 mg in bottles of 100", publisher=LABEL)
    question = "how is medrol supplied"
    out = composer.compose(question, embedder.embed_query(question), [Hit(chunk=supplied, score=1.0)],
                           focus=finder.focus(question))
    assert "Tablets of 4 mg" not in out.text


def test_a_sentence_of_the_asked_kind_is_told_by_what_it_says_not_by_a_word() -> None:
    from citecare.answer.question_type import answers_type

    often, long = answers_type("frequency"), answers_type("duration")
    # answers-dev-15: "how often should we be getting scoped" led with how a scope is withdrawn, "how many years does
    # zostavax last" with who should get it
    assert not often("Once the scope reaches the end of the sigmoid colon, the provider slowly withdraws it.")
    assert not often("Read and follow the directions on the label every time you use a medicine.")
    assert often("Take it once a week.") and often("It is usually given as a booster dose every 10 years.")
    assert not long("People 60 years of age or older should get shingles vaccine (Zostavax).")
    assert not long("adults and children 12 years and over take 2 caplets")
    assert long("Protection lasts about 5 years.") and long("Most cases of shingles last 3 to 5 weeks.")
    assert classify("what actually happens if you take too much ibuprofen or naproxen?") == "side_effects"


def test_a_dose_question_leads_with_a_dose_of_the_asked_medicine_before_a_sentence_naming_both_subjects() -> None:
    # answers-dev-14: "what's the max amount of tramadol an adult can have in a day for chronic pain" led with the
    # label's sentence naming chronic pain (no dose in it), and was then "not covered"
    embedder = FakeEmbedder()
    label = _chunk("tram", "tramadol - DOSAGE AND ADMINISTRATION (DailyMed (NLM) / FDA drug label)",
                   "For patients with moderate to moderately severe chronic pain, the tolerability of tramadol can be "
                   "improved by initiating therapy with a titration regimen. After titration, tramadol tablets 50 mg "
                   "to 100 mg can be given every four to six hours, not to exceed 400 mg per day.", publisher=LABEL)
    page = _chunk("cp", "Chronic Pain - What is Chronic Pain? (NINDS)", "Chronic pain is pain that lasts for months.")
    chunks = [label, page]
    index = SubjectIndex(chunks, load_medicines(), frozenset({"what", "is", "the", "pain", "chronic"}))
    composer = ExtractiveComposer(embedder, subjects=index)
    finder = FocusFinder(index, [w for c in chunks for w in words(c.text) if w.isalpha()], frozenset())
    question = "what's the max amount of tramadol an adult can have in a day for chronic pain"
    focus = finder.focus(question)
    assert focus.question_type == "dosage" and {s.key for s in focus.subjects} == {"tramadol", "chronic pain"}
    out = composer.compose(question, embedder.embed_query(question), [Hit(chunk=c, score=1.0) for c in chunks],
                           focus=focus)
    assert "not to exceed 400 mg per day" in out.text.split("[1]")[0] and out.lead_fits, out.text


def test_whether_it_is_for_life_asks_how_it_goes_on_and_is_no_topic_word() -> None:
    from citecare.answer.question_type import type_words

    # answers-dev-15: "life" was read as the asked aspect, no passage on CRPS carried it, and it was "not covered"
    question = "does it ever go away on its own or is it for life?"
    assert classify(question) == "prognosis" and classify("is lupus for life") == "prognosis"
    assert "life" in type_words(question) and "away" in type_words(question)
