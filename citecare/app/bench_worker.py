"""One serving process, measured from the inside (run by `citecare bench` as a fresh subprocess).

    python -m citecare.app.bench_worker --index-dir DIR --questions FILE [--backend B] [--peer]

Prints one JSON object: import, load and warm-up seconds, resident memory, answer latency per stage on
the first and a repeated pass, a profile of the retrieve step, the same questions with the other core
busy (a CPU burner process), and the LangChain tutorial pipeline's similarity search on the same
collection. A fresh process so that start time and memory are those of a serving process.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def rss_mb(field: str = "VmRSS", pid: str = "self") -> float:
    """Resident memory of a process in MB (VmHWM: the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 2) if ordered else 0.0


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(values), 2), "p95": pct(values, 0.95), "n": len(values)} if values else {}


def answer_pass(engine: Any, questions: Sequence[str]) -> dict[str, dict[str, float]]:
    stages: dict[str, list[float]] = {}
    kinds: dict[str, int] = {}
    for q in questions:
        t = time.perf_counter()
        answer = engine.ask(q)
        stages.setdefault("wall", []).append((time.perf_counter() - t) * 1000)
        kinds[answer.kind] = kinds.get(answer.kind, 0) + 1
        for stage, ms in answer.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    out: dict[str, Any] = {stage: summary(v) for stage, v in stages.items()}
    out["kinds"] = kinds
    return out


def retrieve_profile(engine: Any, questions: Sequence[str]) -> dict[str, dict[str, float]]:
    """Each part of the retrieve step on its own, on the same questions (warm)."""
    r = engine.retriever
    s = engine.settings
    parts: dict[str, list[float]] = {}

    def clock(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        t = time.perf_counter()
        result = fn(*args)
        parts.setdefault(name, []).append((time.perf_counter() - t) * 1000)
        return result

    for q in questions:
        prepared = clock("typo+lay terms", r.prepare_query, q)
        vector = clock("query encode", r.embedder.embed_query, prepared)
        clock("dense (Chroma)", r.dense.query, vector, s.dense_k)
        clock("BM25", r.bm25.search, prepared, s.bm25_k)
        clock("title index", r.titles.search, prepared, s.bm25_k)
        clock("fuzzy title match", r._same_question, q)
        clock("whole retrieve", r.retrieve, q)
    return {name: summary(v) for name, v in parts.items()}


def peer_search(settings: Any, questions: Sequence[str]) -> dict[str, Any]:
    """The LangChain tutorial's retrieval (HuggingFaceEmbeddings + Chroma.similarity_search, k=4)."""
    from citecare.store.tutorial_peer import TutorialSearch

    peer = TutorialSearch.open(settings)
    peer.search(questions[0])
    times = []
    for q in questions:
        t = time.perf_counter()
        peer.search(q)
        times.append((time.perf_counter() - t) * 1000)
    return {"similarity_search": summary(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--backend", default="torch")
    parser.add_argument("--peer", action="store_true")
    parser.add_argument("--burner", action="store_true")
    args = parser.parse_args()

    from citecare.config import Settings
    from citecare.engine import ChatEngine
    from citecare.store.embedder import set_offline_env

    set_offline_env()
    import_s = time.perf_counter() - _T0
    settings = Settings(_env_file=None, index_dir=args.index_dir, chroma_url=None,  # type: ignore[call-arg]
                        embedding_backend=args.backend)
    t = time.perf_counter()
    engine = ChatEngine.from_settings(settings)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    engine.embedder.embed_query("load the model")
    model_s = time.perf_counter() - t
    t = time.perf_counter()
    engine.warm_up()
    warm_s = time.perf_counter() - t
    out: dict[str, Any] = {
        "chunks": engine.health()["chunks"], "documents": engine.health()["documents"],
        "import_s": round(import_s, 2), "engine_load_s": round(load_s, 2), "model_load_s": round(model_s, 2),
        "warm_up_s": round(warm_s, 2), "start_s": round(time.perf_counter() - _T0, 2),
        "rss_after_start_mb": rss_mb(),
    }
    questions = [json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()]
    t = time.perf_counter()
    engine.ask(questions[0])
    out["first_answer_ms"] = round((time.perf_counter() - t) * 1000, 2)
    out["first_pass"] = answer_pass(engine, questions)  # every question new: passages met for the first time
    out["warm_pass"] = answer_pass(engine, questions)
    out["retrieve_profile"] = retrieve_profile(engine, questions)
    out["rss_after_questions_mb"] = rss_mb()
    if args.burner:
        burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            time.sleep(0.5)
            out["busy_core_pass"] = answer_pass(engine, questions)
        finally:
            burner.kill()
            burner.wait()
    if args.peer:
        out["peer"] = peer_search(settings, questions)
    out["rss_peak_mb"] = rss_mb("VmHWM")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
