"""Retrieval quality on ../shared/extdata: hybrid vs dense-only vs BM25-only, templated vs consumer.

Doc hit@1, hit@5 and MRR over the distinct documents of the retrieved passages, plus how often the
first citation of CiteCare's answer is an expected source. Answerable questions only.

    .venv/bin/python scripts/retrieval_quality.py --index-dir data/extdata-index
    (build the index first: citecare ingest ../shared/extdata/docs corpus --index-dir data/extdata-index)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citecare.config import Settings  # noqa: E402
from citecare.engine import ChatEngine  # noqa: E402
from citecare.evals.retrieval_modes import evaluate, load_questions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "extdata" / "qa-dev.jsonl")
    args = parser.parse_args()
    engine = ChatEngine.from_settings(Settings(index_dir=args.index_dir))
    results = evaluate(engine, load_questions(args.questions))
    print("| retriever | group | hit@1 | hit@5 | MRR |")
    print("| --- | --- | --- | --- | --- |")
    for mode in ("hybrid", "dense", "bm25"):
        for group, m in results[mode].items():
            print(f"| {mode} | {group} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr']:.3f} |")
    for group, m in results["first_citation"].items():
        print(f"first citation is an expected source ({group}, n={m['n']:.0f}): {m['correct']:.3f}")


if __name__ == "__main__":
    main()
