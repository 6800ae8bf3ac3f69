"""Retrieval quality on ../shared/extdata: hybrid vs dense-only vs BM25-only, templated vs consumer.

Doc hit@1, hit@5 and MRR over the distinct documents of the retrieved passages, plus how often the
first citation of CiteCare's answer is an expected source. Answerable questions only.

    .venv/bin/python scripts/retrieval_quality.py --index-dir data/extdata-index
    (build the index first: citecare ingest ../shared/extdata/docs corpus --index-dir data/extdata-index)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citecare.config import Settings  # noqa: E402
from citecare.engine import ChatEngine  # noqa: E402


def load_questions(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["answerable_from_open_docs"]]


def expected_docs(row: dict) -> set[str]:
    return {Path(f).stem for f in row["primary_doc_files"] + row["relevant_doc_files"]}


def group_of(row: dict) -> str:
    return "templated" if row["dataset"] == "MedQuAD" else "consumer"


def doc_ranking(engine: ChatEngine, question: str, mode: str) -> list[str]:
    docs: list[str] = []
    for hit in engine.retriever.retrieve(question, mode=mode).hits:
        if hit.chunk.doc_id not in docs:
            docs.append(hit.chunk.doc_id)
    return docs


def score(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def evaluate(engine: ChatEngine, rows: list[dict]) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    for mode in ("hybrid", "dense", "bm25"):
        ranks: dict[str, list[int | None]] = {}
        for row in rows:
            docs = doc_ranking(engine, row["question"], mode)
            expected = expected_docs(row)
            rank = next((i for i, d in enumerate(docs, start=1) if d in expected), None)
            ranks.setdefault(group_of(row), []).append(rank)
        results[mode] = {g: score(r) for g, r in sorted(ranks.items())}
    first: dict[str, list[bool]] = {}
    for row in rows:
        answer = engine.ask(row["question"])
        ok = bool(answer.citations) and answer.citations[0].doc_id in expected_docs(row)
        first.setdefault(group_of(row), []).append(ok)
    results["first_citation"] = {g: {"correct": sum(v) / len(v), "n": len(v)} for g, v in sorted(first.items())}
    return results


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
