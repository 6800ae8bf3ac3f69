"""Metrics of what an answer says about the asked subject, and how readable it is.

For cases that name their ``subject`` (the answer sets ``evals/answers-*.jsonl``):

- a citation is **on subject** when its document is one of the case's ``subject_sources`` or every
  sentence it quotes names the subject (or an alias);
- the **lead sentence answers the question** when a ``must_include`` key point is in the first cited sentence;
- an honest **"not covered" names the subject**: the answer is ``no_evidence`` and its text names it.

Sentences per answer and the Flesch-Kincaid reading grade are reported as distributions (median, quartiles,
histogram) besides the per-case pairs, since "median ≤ 3 sentences" is a statement about the distribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from citecare.answer.readability import reading_grade
from citecare.evals import metrics as m
from citecare.text import stem, words
from citecare.types import Answer

if TYPE_CHECKING:
    from citecare.evals.cases import EvalCase

Score = m.Score
GRADE_BINS: tuple[float, ...] = (6.0, 8.0, 9.0, 10.0, 12.0)


def _stems(text: str) -> list[str]:
    return [stem(w.strip("'-")) for w in words(text) if w.strip("'-")]


def names_any(text: str, names: Iterable[str]) -> bool:
    """Does ``text`` name one of ``names``? Whole words, compared as stems ('tests' names 'test')."""
    have = _stems(text)
    joined = " " + " ".join(have) + " "
    for name in names:
        want = _stems(name)
        if want and f" {' '.join(want)} " in joined:
            return True
    return False


def subject_names(case: EvalCase) -> tuple[str, ...]:
    return tuple(n for n in (case.subject, *case.subject_aliases) if n)


def citation_on_subject(case: EvalCase, doc_id: str, quotes: Sequence[str]) -> bool:
    if m.doc_stem(doc_id) in case.subject_sources:
        return True
    names = subject_names(case)
    return bool(quotes) and all(names_any(q, names) for q in quotes)


def lead_sentence(answer: Answer, split: m.SplitFn) -> str:
    """The first sentence that carries a citation (a referral or intro before it is not the answer)."""
    for sentence in m.cited_sentences(answer.cited_text, split):
        if sentence.cites:
            return sentence.text
    return ""


def answer_sentence_count(answer: Answer, split: m.SplitFn) -> int:
    """Cited sentences of the answer (a referral and the general-information intro are not counted)."""
    return sum(1 for s in m.cited_sentences(answer.cited_text, split) if s.cites)


def cited_text(answer: Answer, split: m.SplitFn) -> str:
    return " ".join(s.text for s in m.cited_sentences(answer.cited_text, split) if s.cites)


def subject_scores(case: EvalCase, answer: Answer, split: m.SplitFn) -> tuple[dict[str, Score], list[str],
                                                                                 dict[str, Any]]:
    """The subject, lead, length and readability scores of one answer, failures and details."""
    scores: dict[str, Score] = {}
    failures: list[str] = []
    details: dict[str, Any] = {}
    expects_answer = "answer" in case.expected_kinds
    unanswerable = set(case.expected_kinds) == {"no_evidence"}
    if unanswerable:
        scores["no_evidence_on_unanswerable"] = (float(answer.kind == "no_evidence"), 1.0)
        if case.subject:
            named = answer.kind == "no_evidence" and names_any(answer.text, subject_names(case))
            scores["not_covered_names_subject"] = (float(named), 1.0)
            if answer.kind == "no_evidence" and not named:
                failures.append(f"'not covered' does not name the subject {case.subject!r}")
    if answer.kind in ("answer", "medical_advice") and answer.citations:
        n = answer_sentence_count(answer, split)
        details["answer_sentences"] = n
        scores["answers_at_most_3_sentences"] = (float(n <= 3), 1.0)
        grade = reading_grade(cited_text(answer, split))
        if grade is not None:
            details["reading_grade"] = grade
        if case.subject:
            on = [citation_on_subject(case, c.doc_id, c.quotes or (c.quote,)) for c in answer.citations]
            scores["on_subject_citation_share"] = (float(sum(on)), float(len(on)))
            scores["all_citations_on_subject"] = (float(all(on)), 1.0)
            off = [f"[{c.n}] {c.doc_id}" for c, ok in zip(answer.citations, on, strict=True) if not ok]
            if off:
                failures.append(f"off-subject citations (subject {case.subject!r}): {off}")
    if expects_answer and case.must_include:
        lead = lead_sentence(answer, split) if answer.kind in ("answer", "medical_advice") else ""
        ok = any(m.contains(lead, p) for p in case.must_include)
        scores["lead_answers_question"] = (float(ok), 1.0)
        if lead and not ok:
            failures.append("lead sentence has no key point")
    return scores, failures, details


def distribution(values: Sequence[float], bins: Sequence[float] = (), *, counts: bool = False) -> dict[str, Any]:
    """n, median, quartiles, min/max, and counts per bin ('<=6', '6-8', …, '>12'; with ``counts``, whole
    numbers: '1', '2', …, '>4')."""
    if not values:
        return {"n": 0}
    out: dict[str, Any] = {"n": len(values), "median": m.percentile(values, 50), "p25": m.percentile(values, 25),
                           "p75": m.percentile(values, 75), "min": min(values), "max": max(values)}
    if bins:
        edges = list(bins)
        if counts:
            labels = [f"<={edges[0]:g}"] + [f"{b:g}" for b in edges[1:]]
        else:
            labels = [f"<={edges[0]:g}"] + [f"{a:g}-{b:g}" for a, b in zip(edges, edges[1:], strict=False)]
        labels.append(f">{edges[-1]:g}")
        histogram = dict.fromkeys(labels, 0)
        for v in values:
            i = next((k for k, e in enumerate(edges) if v <= e), len(edges))
            histogram[labels[i]] += 1
        out["histogram"] = histogram
    return out


def distributions(details: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Sentences per answer and reading grade over the answers of a group."""
    sentences = [float(d["answer_sentences"]) for d in details if "answer_sentences" in d]
    grades = [float(d["reading_grade"]) for d in details if "reading_grade" in d]
    return {"answer_sentences": distribution(sentences, (1, 2, 3, 4, 5), counts=True),
            "reading_grade": distribution(grades, GRADE_BINS)}
