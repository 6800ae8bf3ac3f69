"""Answer-set metrics: subject of citations, lead sentence, length, reading grade, honest 'not covered'."""

from __future__ import annotations

import json
from pathlib import Path

from citecare.evals import answer_metrics as am
from citecare.evals import metrics as m
from citecare.evals.cases import load_cases, parse_case
from citecare.evals.runner import Checkers, score_case
from citecare.types import Answer, Citation

ROOT = Path(__file__).resolve().parents[2]
CHECKERS = Checkers(lambda s, p: m.contains(p, s.rstrip(".")), m.fallback_split, "exact-substring (test)")


def _case(**extra: object):  # type: ignore[no-untyped-def]
    obj = {"id": "c1", "question": "What are the side effects of methotrexate?", "expected_kind": "answer",
           "subject": "methotrexate", "subject_aliases": ["Trexall"], "subject_sources": ["docs/MTX_label.txt"],
           "aspect": "side_effects", "must_include": ["mouth sores"], "must_include_mode": "any", **extra}
    case, errors = parse_case(obj)
    assert case is not None, errors
    return case


def _cite(n: int, doc: str, quote: str) -> Citation:
    return Citation(n=n, doc_id=doc, chunk_id=f"{doc}-1", title=doc, source="NIH", url="", reviewed="",
                    passage=quote, quote=quote, quotes=(quote,))


def test_the_answer_sets_load_with_their_subject_fields() -> None:
    for name in ("answers-dev.jsonl", "answers-test.jsonl"):
        cases = load_cases(ROOT / "evals" / name)
        assert cases and all(c.subject for c in cases)
    case = _case()
    assert case.subject_sources == ("mtx_label",) and case.aspect == "side_effects"


def test_a_non_string_subject_is_refused() -> None:
    _, errors = parse_case({"id": "x", "question": "q", "expected_kind": "answer", "subject": ["a"]})
    assert any("subject" in e for e in errors)


def test_citations_on_subject_by_source_or_by_naming_it() -> None:
    quote_mtx = "Methotrexate can cause mouth sores."
    quote_brand = "Trexall tablets can upset the stomach."
    quote_other = "Doses above 300 mg/day are not recommended."
    answer = Answer(kind="answer", text=f"{quote_mtx} [1] {quote_brand} [2] {quote_other} [3]",
                    citations=(_cite(1, "other-doc", quote_mtx), _cite(2, "x", quote_brand),
                               _cite(3, "pregabalin-label", quote_other)), disclaimer="d")
    scores, failures, details = score_case(_case(), answer, CHECKERS)
    assert scores["on_subject_citation_share"] == (2.0, 3.0)
    assert scores["all_citations_on_subject"] == (0.0, 1.0)
    assert scores["lead_answers_question"] == (1.0, 1.0)
    assert scores["answers_at_most_3_sentences"] == (1.0, 1.0) and details["answer_sentences"] == 3
    assert any("pregabalin-label" in f for f in failures)
    # the subject's own document counts even when the sentence does not name it
    on_source = Answer(kind="answer", text=f"{quote_other} [1]", citations=(_cite(1, "MTX_label", quote_other),),
                       disclaimer="d")
    assert score_case(_case(), on_source, CHECKERS)[0]["all_citations_on_subject"] == (1.0, 1.0)


def test_the_lead_is_the_first_cited_sentence() -> None:
    text = "Please ask your doctor first. Fatigue is common. [1] Mouth sores can happen. [1]"
    answer = Answer(kind="medical_advice", text=text, citations=(_cite(1, "MTX_label", text),), disclaimer="d")
    scores, _, _ = score_case(_case(), answer, CHECKERS)
    assert scores["lead_answers_question"] == (0.0, 1.0)  # the key point is in sentence 2, not the lead
    assert am.answer_sentence_count(answer, CHECKERS.split) == 2  # the referral is not an answer sentence


def test_not_covered_must_name_the_subject() -> None:
    case = _case(expected_kind="no_evidence", must_include=[])
    plain = Answer(kind="no_evidence", text="My sources don't cover that.")
    named = Answer(kind="no_evidence", text="My sources don't cover the side effects of methotrexate.")
    answered = Answer(kind="answer", text="x [1]", citations=(_cite(1, "MTX_label", "x"),))
    assert score_case(case, plain, CHECKERS)[0]["not_covered_names_subject"] == (0.0, 1.0)
    assert score_case(case, named, CHECKERS)[0]["not_covered_names_subject"] == (1.0, 1.0)
    scores = score_case(case, answered, CHECKERS)[0]
    assert scores["no_evidence_on_unanswerable"] == (0.0, 1.0) and scores["not_covered_names_subject"] == (0.0, 1.0)


def test_names_any_matches_whole_words_as_stems() -> None:
    assert am.names_any("Immunosuppressant medicines lower immunity.", ["immunosuppressants"])
    assert am.names_any("Regular blood tests help.", ["blood test"])
    assert not am.names_any("Pregabalin is not gabapentin-like.", ["gaba"])


def test_distributions_give_median_and_histogram() -> None:
    dist = am.distributions([{"answer_sentences": 2, "reading_grade": 7.5}, {"answer_sentences": 3,
                             "reading_grade": 11.0}, {"answer_sentences": 6}])
    assert dist["answer_sentences"]["median"] == 3 and dist["answer_sentences"]["histogram"]["2"] == 1
    assert dist["answer_sentences"]["histogram"][">5"] == 1
    assert dist["reading_grade"]["n"] == 2 and dist["reading_grade"]["histogram"]["6-8"] == 1
    assert json.dumps(dist)


def test_reading_grade_is_offline_and_ignores_markers() -> None:
    from citecare.answer.readability import reading_grade

    plain = reading_grade("Take it with food. [1] It can upset your stomach. [1]")
    hard = reading_grade("Concomitant administration of nonsteroidal anti-inflammatory medications necessitates "
                         "meticulous hematologic surveillance. [1]")
    assert plain is not None and hard is not None and plain < 6 < hard
    assert reading_grade("[1]") is None
