"""Answers in patients' words over the real extdata index (dev split): subject-faithful, short, honest.

Gates sit at the levels the engine reached on ``evals/answers-dev.jsonl`` when they were set (the engine is
deterministic up to HNSW build order, hence a small tolerance). The frozen test split is reported, never gated.
"""

from __future__ import annotations

import pytest

from citecare.evals.cases import load_cases
from citecare.evals.runner import run_eval, summarize
from tests.conftest import PROJECT_ROOT

pytestmark = [pytest.mark.extdata, pytest.mark.e2e]
DEV = PROJECT_ROOT / "evals" / "answers-dev.jsonl"
TOLERANCE = 0.02
# Reached on the dev split (236 cases) when set; goals of issue 10 in the comments.
AT_LEAST = {
    "on_subject_citation_share": 0.92,  # goal 0.90; 0.925 with support from other sources only if about the subject, 0.917 (fifth pass)
    "all_citations_on_subject": 0.89,  # goal 0.75
    "first_citation_correct": 0.765,  # goal 0.80; 119/155 (issue 10, fifth pass)
    "lead_answers_question": 0.52,
    "answers_at_most_3_sentences": 1.0,
    "no_evidence_on_unanswerable": 0.70,  # 57/81 with the asked aspect checked in meaning (issue 10, fourth pass)
    "not_covered_names_subject": 0.64,  # goal 0.60; 52/81
    "kind_accuracy": 0.825,
}


def test_answers_dev_split_holds_its_levels(extdata_engine) -> None:  # type: ignore[no-untyped-def]
    summary = summarize(run_eval(extdata_engine, load_cases(DEV)), n_boot=50)
    overall = summary["all"]
    metrics = {k: v["value"] for k, v in overall["metrics"].items()}
    low = {k: round(metrics.get(k) or 0.0, 3) for k, v in AT_LEAST.items() if (metrics.get(k) or 0.0) < v - TOLERANCE}
    assert not low, f"below the dev levels: {low}"
    assert metrics["ungrounded_rate"] == 0.0
    assert overall["distributions"]["answer_sentences"]["median"] <= 3
    # goal 9; 11.55 with the plainer of two equally relevant sentences preferred more strongly (issue 10, fifth pass)
    assert overall["distributions"]["reading_grade"]["median"] <= 11.55 + 0.3
