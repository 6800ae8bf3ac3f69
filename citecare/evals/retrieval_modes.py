"""Retrieval quality by retriever mode (hybrid, dense-only, BM25-only) on NLM-format questions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from citecare.engine import ChatEngine


def load_questions(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["answerable_from_open_docs"]]


def expected_docs(row: dict[str, Any]) -> set[str]:
    return {Path(f).stem for f in row["primary_doc_files"] + row["relevant_doc_files"]}


def group_of(row: dict[str, Any]) -> str:
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


def evaluate(engine: ChatEngine, rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
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
