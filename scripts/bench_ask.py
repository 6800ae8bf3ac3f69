"""Warm `ask` latency on an index: p50/p95 per stage over the qa-dev questions (or any JSONL of questions).

    .venv/bin/python scripts/bench_ask.py --index-dir data/extdata-index [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citecare.config import Settings  # noqa: E402
from citecare.engine import ChatEngine  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "extdata" / "qa-dev.jsonl")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    engine = ChatEngine.from_settings(Settings(index_dir=args.index_dir))
    load_s = time.perf_counter() - started
    questions = [json.loads(x)["question"] for x in args.questions.read_text().splitlines() if x.strip()]
    engine.ask("warm up: what is lupus?")
    print(f"engine load: {load_s:.1f} s; questions: {len(questions)} x {args.repeat + 1} passes")
    print("| pass | stage | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- |")
    # Pass 1 meets every passage for the first time; later passes find its sentences embedded already.
    for number in range(1, args.repeat + 2):
        stages: dict[str, list[float]] = {}
        for q in questions:
            t = time.perf_counter()
            answer = engine.ask(q)
            stages.setdefault("wall", []).append((time.perf_counter() - t) * 1000)
            for stage, ms in answer.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
        label = "first (cold sentence cache)" if number == 1 else f"repeat {number - 1} (warm)"
        for stage in ("guard", "retrieve", "compose", "total", "wall"):
            values = stages.get(stage, [])
            if values:
                print(f"| {label} | {stage} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} |")


if __name__ == "__main__":
    main()
