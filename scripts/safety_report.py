"""Triage figures per layer (rules, learned, combined) on safety eval sets, through the real guard.

Usage: .venv/bin/python scripts/safety_report.py [--misses] evals/safety-dev.jsonl [evals/safety-test.jsonl ...]
Tune on the dev split; the test split is frozen and only reported (never read its misses while tuning).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from citecare.config import Settings
from citecare.evals.triage import evaluate, render
from citecare.prompts import Messages
from citecare.safety.guard import Guard
from citecare.store.embedder import set_offline_env, triage_embedder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="print misses (dev only!)")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    set_offline_env()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    embedder = triage_embedder(settings)  # the same one the engine's guard uses
    guard = Guard.create(settings, Messages(settings), embed=embedder.embed_query)
    reports = []
    for path in args.sets:
        report = evaluate(path, guard)
        reports.append(report)
        print(render(report))
        if args.misses:
            for miss in report["misses"]:
                print(f"  MISS {miss['id']} [{miss['category']} → {miss['got']}] {miss['question'][:140]}")
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
