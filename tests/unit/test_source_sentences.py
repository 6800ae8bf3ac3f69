"""What counts as a sentence of a source, and what a question is about (answers-dev-13 failures, written as cases)."""

from __future__ import annotations

from citecare.answer.focus_finder import FocusFinder
from citecare.answer.query import expand_lay_terms
from citecare.answer.quotable import is_quotable
from citecare.text import split_sentences, stem
from tests.unit.test_subject import _index

CDC_SCHEDULE = """tetanus - Who needs to get tetanus vaccines? (vaccines.gov (HHS))

Everyone needs tetanus vaccines throughout their lives. That means everyone needs to get vaccinated as babies, children, and adults, as the vaccine schedule sets out for each age group.
Young children need a dose of the vaccine at:

2 months 4 months 6 months 15 through 18 months 4 through 6 years
If your child has had a serious reaction to the whooping cough part of the DTaP vaccine, they may be able to get the DT vaccine instead.
Pregnant women
Pregnant women need 1 booster shot of the Tdap vaccine during the third trimester of each pregnancy.
"""


def test_a_table_row_or_heading_line_is_not_glued_to_the_sentence_after_it() -> None:
    sentences = split_sentences(CDC_SCHEDULE)
    # "2 months … 4 through 6 years If your child has had…" led an answer about the whooping cough vaccine
    assert "2 months 4 months 6 months 15 through 18 months 4 through 6 years" in sentences
    assert sentences[sentences.index("Pregnant women") + 1].startswith("Pregnant women need 1 booster")
    assert not any(s.startswith("2 months") and "If your child" in s for s in sentences)
    assert not is_quotable("2 months 4 months 6 months 15 through 18 months 4 through 6 years")


def test_hard_wrapped_text_keeps_its_sentences_whole() -> None:
    wrapped = ("Methotrexate is taken once a week, and the day is agreed with the\n"
               "Rheumatology nurse who also arranges the blood tests that check the\n"
               "liver and the blood count.\n")
    with_a_link = wrapped + "See https://www.example.org/a/very/long/address/that/goes/on/and/on/past/the/width/of/the/page.\n"
    assert split_sentences(with_a_link)[0].startswith("Methotrexate is taken once a week, and the day is agreed with the "
                                                      "Rheumatology nurse")
    assert split_sentences(wrapped) == [
        "Methotrexate is taken once a week, and the day is agreed with the Rheumatology nurse who also arranges the "
        "blood tests that check the liver and the blood count."]


def test_the_end_of_a_bracketed_aside_is_not_a_sentence() -> None:
    assert not is_quotable("Therefore, providers may administer the Tdap vaccine they have available.)")
    assert not is_quotable("It is also common for the face or eye area to be affected. button on your keyboard.)")
    assert is_quotable("Adults need a Td booster (a tetanus and diphtheria vaccine) every 10 years.")


def test_what_a_question_contrasts_its_subject_with_is_not_the_subject() -> None:
    finder = FocusFinder(_index(), [], frozenset())
    # "…why my doctor wants to treat inflamation not just give painkillers" quoted Narcotics Anonymous
    assert [s.key for s in finder.focus("why treat my lupus and not just give prednisone").subjects] == ["lupus"]
    assert finder.focus("why does my doctor treat the inflammation, not just give prednisone").subjects == ()
    # what is asked about instead of something still finds its pages when nothing else is named
    assert [s.key for s in finder.focus("what can i take instead of prednisone").subjects] == ["prednisone"]


def test_a_cause_in_everyday_words_is_searched_as_a_cause() -> None:
    # "can taking steroid tablets for a long time give you cushings" quoted how the dose is lowered
    assert "causes" in expand_lay_terms("can taking steroid tablets for a long time give you cushings")
    assert "causes" in expand_lay_terms("can stress bring on a lupus flare")
    assert "causes" not in expand_lay_terms("how long do steroid tablets take to work")


def test_the_whooping_cough_vaccine_is_the_tdap_vaccine() -> None:
    finder = FocusFinder(_index(), [], frozenset())
    # "when in pregnancy do they give you the whooping cough vaccine" is answered by "Pregnant women should receive
    # a single dose of Tdap during every pregnancy…", a sentence that never says "whooping cough"
    [vaccine] = finder.focus("when in pregnancy do they give you the whooping cough vaccine").subjects
    assert vaccine.key == "tdap vaccine"


def test_texting_fillers_and_everyday_compounds_are_not_what_is_asked() -> None:
    from citecare.answer.query import content_terms
    from citecare.answer.question_type import classify
    from citecare.answer.unknown_names import unknown_names

    # "how many people have it tho" after "what is TPMT deficiency" looked for a passage saying "tho"
    assert content_terms("how many people have it tho lol") == content_terms("how many people have it")
    # "can prednisone affect your eyes? my eyesight seems worse": "eyesight" is two everyday words, not a name
    common = frozenset({"eye", "sight", "seems", "worse", "can", "affect", "your", "eyes", "safe", "with"})
    assert unknown_names("can prednisone affect your eyes? my eyesight seems worse", frozenset(), common,
                         ignore=["prednisone"]) == []
    assert unknown_names("is kratom safe with my eyesight", frozenset(), common) == ["kratom"]
    # "are biosimilars as good as the original biologic?": a rare word is a name even when it splits into two
    assert unknown_names("are biosimilars any good", frozenset(), common | {"bio", "similar", "good", "any", "are"}
                         ) == ["biosimilars"]
    # "ok and does it ever go away for good?" asks how it goes on, as "will it ever get better" does
    assert classify("does it ever go away for good?") == "prognosis"
    assert classify("will the rash go away for good once treated") == "prognosis"


def test_research_who_gets_it_and_what_is_given_for_it_are_kinds_of_question() -> None:
    from citecare.answer.question_type import classify

    # what is being studied, asked in patients' words (answers-dev-18); research done by the asker is not the question
    assert classify("Is anyone researching a cure for Cushing's?") == "research"
    assert classify("is there any research going on for CRPS? i developed it after breaking my wrist") == "research"
    assert classify("will they ever find a cure for lupus? my wife has had it 10 years") == "research"
    assert classify("Shingles - what research (or clinical trials) is being done for Shingles?") == "research"
    assert classify("i have been researching the side effects of methotrexate, what are they") == "side_effects"
    assert classify("is there a cure for lupus") == "treatment"
    # who gets it: a group, not one's own children (that asks about inheritance)
    assert classify("is autoimmune hepatitis mainly a women's disease? and can kids get it") == "who_gets"
    assert classify("how many kids get juvenile arthritis in the US") == "likelihood"
    assert classify("what age does MS normally start at") == "who_gets"
    assert classify("Gout - Who is at risk for Gout??") == "who_gets"
    assert classify("what age can my baby have the flu jab") != "who_gets"
    assert classify("can my kids get it from me") != "who_gets"
    # how likely an outcome is stays a quantity, not who gets the condition
    assert classify("how many people with lupus nephritis end up with kidney failure") == "likelihood"
    # what is put on, given or prescribed for a condition is its treatment; what goes with a medicine is not
    assert classify("what creams or ointments can you put on psoriasis?") == "treatment"
    assert classify("what do doctors give for a gout flare") == "treatment"
    assert classify("what can i take with methotrexate") != "treatment"
    assert classify("if my cushing's is from the steroid tablets, what will they do about it?") == "treatment"
    # why it came about is its cause
    assert classify("Why have I got shingles now at 74? I had chickenpox when I was a little girl") == "causes"


def test_a_list_item_flattened_into_the_paragraph_after_it_is_split_from_it() -> None:
    page = ("You may need to take corticosteroids to treat:\n- Asthma\n- Some kinds of cancer Steroids are strong "
            "medicines, and they can have side effects, including weakened bones and cataracts.\n")
    sentences = split_sentences(page)
    # "Some kinds of cancer Steroids are strong medicines…" was quoted for "what side effects can steroids have?"
    assert "Some kinds of cancer" in sentences
    assert "Steroids are strong medicines, and they can have side effects, including weakened bones and cataracts." \
        in sentences
    # an item that goes on into a capitalised name is one item
    assert split_sentences("- Drugs such as Humira can help.") == ["Drugs such as Humira can help."]


def test_a_list_flattened_onto_one_line_is_split_into_its_items() -> None:
    # MedQuAD pages keep each list on one line, an item after each dash: "…silvery scales. - Guttate psoriasis,
    # which causes…" was read as one 50-word sentence
    line = ("- Psoriasis is a skin disease. - It is caused by genes, but some outside factors can make it worse. "
            "- Psoriasis can be hard to diagnose.")
    assert split_sentences(line) == ["Psoriasis is a skin disease.",
                                     "It is caused by genes, but some outside factors can make it worse.",
                                     "Psoriasis can be hard to diagnose."]
    # the items of a list after a colon stay with it: "Stress." says nothing alone; the list ends where an item goes
    # on with a sentence, and the next flattened list is split again
    line = ("Some things may cause a flare, including: - Infections. - Stress. - Certain medicines. Certain genes have "
            "been linked to psoriasis. - It runs in families. - It is more common in adults.")
    assert split_sentences(line) == [
        "Some things may cause a flare, including: - Infections. - Stress. - Certain medicines.",
        "Certain genes have been linked to psoriasis.",
        "It runs in families.",
        "It is more common in adults.",
    ]
    # a dash between words is punctuation inside a sentence, not a list
    assert split_sentences("Infliximab - a biologic - is given by drip. It works.") == [
        "Infliximab - a biologic - is given by drip.", "It works."]
    assert split_sentences("Shingles - What is Shingles?") == ["Shingles - What is Shingles?"]


def test_work_the_workplace_is_not_whether_a_medicine_works() -> None:
    from citecare.answer.question_type import classify

    # "my coworker has shingles, can i catch it from her at work?" was a treatment question, and the shingles
    # treatments section led with "If you suspect you have shingles, see your healthcare provider within 72 hours…"
    assert classify("my coworker has shingles, can i catch it from her at work?") == "yes_no"
    assert classify("can i still go to work with shingles") == "yes_no"
    assert classify("i work nights, when should i take my tablets") != "treatment"
    # whether a medicine works is still a treatment question, and how soon it works a question of time
    assert classify("does methotrexate work for psoriasis") == "treatment"
    assert classify("does it take a while to work") == "treatment"
    assert classify("how long does it take to work") == "duration"


def test_a_medicine_named_around_a_question_on_what_a_condition_is_like_is_context() -> None:
    finder = FocusFinder(_index(), [], frozenset())
    # answers-dev-16: "…a TPMT test before starting him on azathioprine. is TPMT deficiency inherited" led with a
    # sentence joining both, then said the sources do not cover whether they run in families
    focus = finder.focus("my mum started prednisone last month. is lupus inherited?")
    assert [s.key for s in focus.subjects] == ["lupus"] and [s.key for s in focus.context] == ["prednisone"]
    # how it is treated may well be about the medicine: both stay asked about
    assert {s.key for s in finder.focus("i take prednisone. how is lupus treated?").subjects} == {"prednisone", "lupus"}


def test_a_question_no_source_knows_is_named_by_its_least_everyday_word() -> None:
    # answers-dev-16: "how many rabies shots do you need before travelling abroad" was "not covered: how often for
    # travelling abroad". Neither word is in the library; "travelling" is an everyday word, "rabies" is not.
    finder = FocusFinder(_index(), {}, frozenset({"travelling", "abroad", "shots", "need", "many"}))
    assert finder._topic("how many rabies shots do you need before travelling abroad", frozenset()) == "rabies shots"
    # the library's rarest word still comes first
    finder = FocusFinder(_index(), {"rabies": 3}, frozenset({"travelling", "abroad", "shots", "need", "many"}))
    assert "travelling" in finder._topic("how many rabies shots do you need before travelling abroad", frozenset())


def test_a_dose_form_after_the_medicines_name_is_part_of_the_name_not_the_asked_aspect() -> None:
    finder = FocusFinder(_index(), [], frozenset())
    # answers-dev-16: "should dexamethasone tablets be taken with food…" was answered by a label line listing tablets
    assert stem("tablets") not in finder.focus("should prednisone tablets be taken with food").aspect_terms
    # a form asked about is the aspect: "does dexamethasone come in a liquid? my son cant swallow tablets"
    assert stem("tablets") in finder.focus("does prednisone come in a liquid? he cant swallow tablets").aspect_terms


def test_who_is_at_risk_of_an_illness_is_no_side_effect_sentence() -> None:
    from citecare.answer.question_type import answers_type

    side_effect = answers_type("side_effects")
    # answers-dev-16: the Prevnar question on side effects led with who needs the vaccine
    assert not side_effect("Adults who are at increased risk for getting pneumococcal disease may also need a dose.")
    assert side_effect("NSAIDs increase the risk of bleeding.")


def test_a_vaccine_or_a_procedure_working_through_the_body_tells_how_it_works() -> None:
    # answers-dev-16, "how do vaccines actually work?": the immunisation page's sentence is the kind of answer asked for
    from citecare.answer.question_type import answers_type

    fits = answers_type("how_it_works")
    assert fits("When given to a healthy person, the vaccine triggers the immune system to respond and thus build "
                "immunity.")
    assert fits("Dialysis filters wastes and extra fluid from the blood.")
    assert not fits("Vaccines help keep your pregnant patients and their growing families healthy.")
