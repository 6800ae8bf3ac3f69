"""The CI gate: the real engine on the product corpus against the committed eval baselines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citecare.evals.cases import load_cases
from citecare.evals.gates import compare_to_baseline
from citecare.evals.runner import run_eval, summarize

ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-6  # the engine is deterministic: any case that gets worse fails the gate


@pytest.mark.e2e
@pytest.mark.parametrize("set_name", ["seed", "safety"])
def test_shipped_set_against_committed_baseline(set_name: str, request: pytest.FixtureRequest) -> None:
    """The CI gate: the real engine on the product corpus must not fall below the committed baseline."""
    set_path, base_path = ROOT / "evals" / f"{set_name}.jsonl", ROOT / "evals" / "baselines" / f"{set_name}.json"
    assert set_path.is_file() and base_path.is_file(), f"{set_path.name} and its baseline must be committed"
    cases = load_cases(set_path)
    baseline = json.loads(base_path.read_text())
    assert baseline["n_cases"] == len(cases), (
        f"{base_path.name} was written for {baseline['n_cases']} cases, the set has {len(cases)}: "
        f"rerun `citecare eval evals/{set_name}.jsonl --write-baseline {base_path.relative_to(ROOT)}`")
    summary = summarize(run_eval(request.getfixturevalue("seed_engine"), cases), n_boot=100)
    worse = [f"{d.metric}: {d.baseline:.3f} -> {d.current}" for d in compare_to_baseline(summary, baseline)
             if d.group == "all" and not d.metric.startswith("latency_") and d.worse_by > TOLERANCE]
    assert not worse, worse
    assert summary["all"]["metrics"].get("ungrounded_rate", {}).get("value") in (None, 0.0)
