"""`citecare bench`: ingest, start, latency, memory and load figures on a synthetic library of N chunks.

For each ``--scale N`` (one run, so ratios compare like with like on this shared machine):
1. writes a deterministic synthetic library (`app.synthetic_corpus`) plus the seed corpus;
2. ingests it into a fresh index: seconds, chunks/s, sentences embedded; raw `encode` throughput of the
   same texts (chunk texts alone, and chunks + their sentences, which ingest also embeds) on a sample of
   up to ``--raw-sample`` chunks; the ratio of ingest to raw encode; re-ingest of the unchanged library;
3. starts a serving process (`app.bench_worker`, fresh) and reads from it: start time, resident memory,
   answer latency per stage (first pass = every passage met for the first time; repeated pass), a
   profile of the retrieve step, the same questions with the other core busy, and the LangChain
   tutorial's similarity search on the same collection;
4. starts the real app (`citecare serve`) and runs the load test over HTTP against `POST /api/answer`:
   one user, then ``--users`` users each asking ``--questions`` questions, once back to back (no pause
   between an answer and the next question) and once with a think time (``--think-ms`` on average,
   seeded exponential): latency p50/p95, errors, answers/s. The per-client rate limit is turned off for
   the load test (all simulated users share 127.0.0.1).
5. once per run, the guard's time per message on the safety dev split, layer by layer (`app.bench_triage`).
Prints a markdown report and writes the figures as JSON (``--out``).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from citecare.config import PROJECT_ROOT, Settings

DEFAULT_SCALES = [1_000, 10_000, 100_000]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1) if ordered else 0.0


def _settings(index_dir: Path, backend: str) -> Settings:
    return Settings(_env_file=None, index_dir=index_dir, chroma_url=None, embedding_backend=backend)  # type: ignore[call-arg]


def measure_ingest(corpus: Path, index_dir: Path, backend: str, raw_sample: int) -> dict[str, Any]:
    """Fresh ingest, raw encode of a sample of the same texts, unchanged re-ingest."""
    from citecare.app.cli import prepare_engine_start
    from citecare.ingest.pipeline import Ingestor
    from citecare.store.chroma import ChromaIndex
    from citecare.store.embedder import make_embedder
    from citecare.store.sentences import sentences_to_embed

    settings = _settings(index_dir, backend)
    embedder = make_embedder(settings, threads=settings.ingest_threads, batch_size=settings.embed_batch_size)
    embedder.embed_query("load the model")  # model loading is not ingest throughput
    index = ChromaIndex.from_settings(settings, embedder)
    paths = [corpus, PROJECT_ROOT / "corpus"]
    started = time.perf_counter()
    report = Ingestor(settings, embedder, index).run(paths)
    prepare_engine_start(settings, index)
    seconds = time.perf_counter() - started
    chunks = index.committed_chunks()
    sample = random.Random(0).sample(chunks, min(raw_sample, len(chunks)))
    texts = [c.embedding_text() for c in sample]
    sentences = list(dict.fromkeys(s for c in sample for s in sentences_to_embed(c)))
    t = time.perf_counter()
    embedder.embed_documents(texts)
    raw_chunks_s = time.perf_counter() - t
    t = time.perf_counter()
    embedder.embed_documents(sentences)
    raw_sentences_s = time.perf_counter() - t
    reruns = []
    for _ in range(3):
        again = Ingestor(settings, embedder, index).run(paths)
        reruns.append(again.seconds)
    n = report.chunks_embedded
    ingest_rate = n / seconds
    raw_chunk_rate = len(sample) / raw_chunks_s
    raw_full_rate = len(sample) / (raw_chunks_s + raw_sentences_s)
    return {
        "documents": len(report.added), "failed": len(report.failed), "chunks": n,
        "sentences_embedded": report.sentences_embedded, "ingest_s": round(seconds, 1),
        "embed_s": round(report.embed_seconds, 1), "ingest_chunks_per_s": round(ingest_rate, 1),
        "raw_encode_chunks_per_s": round(raw_chunk_rate, 1),
        "raw_encode_chunks_and_sentences_per_s": round(raw_full_rate, 1),
        "ratio_to_raw_same_work": round(ingest_rate / raw_full_rate, 2),
        "ratio_to_raw_chunks_only": round(ingest_rate / raw_chunk_rate, 2),
        "raw_sample_chunks": len(sample),
        "reingest_unchanged_s": round(statistics.median(reruns), 2),
        "index_mb": round(sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()) / 1e6, 1),
    }


def run_worker(index_dir: Path, questions: Path, backend: str, *, peer: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "citecare.app.bench_worker", "--index-dir", str(index_dir),
           "--questions", str(questions), "--backend", backend, "--burner"]
    if peer:
        cmd.append("--peer")
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench worker failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _ask(client: Any, url: str, question: str) -> tuple[float, bool]:
    t = time.perf_counter()
    try:
        resp = client.post(f"{url}/api/answer", json={"question": question}, timeout=60)
        ok = resp.status_code == 200 and "kind" in resp.json()
    except Exception:
        ok = False
    return (time.perf_counter() - t) * 1000, ok


def load_run(url: str, questions: list[str], users: int, per_user: int, think_ms: float) -> dict[str, Any]:
    """``users`` threads, each asking ``per_user`` questions over its own HTTP connection."""
    import httpx

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def user(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client() as client:
            for i in range(per_user):
                ms, ok = _ask(client, url, questions[(n * per_user + i) % len(questions)])
                with lock:
                    latencies.append(ms)
                    errors[0] += 0 if ok else 1
                if think_ms:
                    time.sleep(rng.expovariate(1000.0 / think_ms))

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    return {"users": users, "questions_each": per_user, "think_ms": think_ms, "requests": len(latencies),
            "errors": errors[0], "p50_ms": _pct(latencies, 0.5), "p95_ms": _pct(latencies, 0.95),
            "answers_per_s": round(len(latencies) / wall, 1)}


def measure_http(index_dir: Path, backend: str, questions: list[str], users: int, per_user: int,
                 think_ms: float) -> dict[str, Any]:
    """The real app (`citecare serve`) in its own process: time to ready, memory, load test."""
    import httpx

    from citecare.app.bench_worker import rss_mb
    from citecare.app.web.server import free_port

    port = free_port()
    env = {**os.environ, "CITECARE_INDEX_DIR": str(index_dir), "CITECARE_PORT": str(port),
           "CITECARE_HOST": "127.0.0.1", "CITECARE_EMBEDDING_BACKEND": backend, "CITECARE_API_RATE_PER_MINUTE": "0",
           "CITECARE_CHROMA_URL": "", "CITECARE_LOG_LEVEL": "WARNING",
           "CITECARE_RATINGS_DB": str(index_dir.parent / "bench-ratings.sqlite3")}
    env.pop("CITECARE_CHROMA_URL")
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("citecare")), "serve"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out: dict[str, Any] = {}
    try:
        first_response = None
        while True:
            if proc.poll() is not None:
                raise RuntimeError("citecare serve exited during start")
            try:
                resp = httpx.get(f"{url}/healthz", timeout=5)
                first_response = first_response or time.perf_counter() - started
                if resp.status_code == 200 and resp.json().get("ready"):
                    break
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > 600:
                raise RuntimeError("citecare serve was not ready within 600 s")
            time.sleep(0.1)
        out["serve_first_response_s"] = round(first_response or 0.0, 2)
        out["serve_ready_s"] = round(time.perf_counter() - started, 2)
        out["serve_rss_ready_mb"] = rss_mb(pid=str(proc.pid))
        single = load_run(url, questions, 1, per_user, 0)
        out["single_user"] = single
        out["load_back_to_back"] = load_run(url, questions, users, per_user, 0)
        if think_ms:
            out["load_with_think_time"] = load_run(url, questions, users, per_user, think_ms)
        out["serve_rss_peak_mb"] = rss_mb("VmHWM", pid=str(proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return out


def bench_scale(scale: int, work: Path, backend: str, args: dict[str, Any]) -> dict[str, Any]:
    from citecare.app.synthetic_corpus import write_corpus

    corpus = write_corpus(work / f"corpus-{scale}", scale)
    index_dir = work / f"index-{scale}-{backend}"
    if index_dir.exists() and not args["reuse_index"]:
        shutil.rmtree(index_dir)
    result: dict[str, Any] = {"scale": scale, "backend": backend}
    ingest_figures = work / f"ingest-{scale}-{backend}.json"  # kept so a --reuse-index run still reports them
    if not index_dir.exists() or not args["reuse_index"]:
        typer.echo(f"[{scale}] ingest …", err=True)
        ingest_figures.unlink(missing_ok=True)
        result["ingest"] = measure_ingest(corpus.folder, index_dir, backend, args["raw_sample"])
        ingest_figures.write_text(json.dumps(result["ingest"]))
    elif ingest_figures.exists():
        result["ingest"] = json.loads(ingest_figures.read_text())
    questions_file = work / f"questions-{scale}.jsonl"
    questions = list(corpus.questions[: args["n_questions"]])
    questions_file.write_text("".join(json.dumps({"question": q}) + "\n" for q in questions))
    typer.echo(f"[{scale}] serving process …", err=True)
    result["engine"] = run_worker(index_dir, questions_file, backend, peer=args["peer"])
    typer.echo(f"[{scale}] HTTP load …", err=True)
    result["http"] = measure_http(index_dir, backend, questions, args["users"], args["questions"], args["think_ms"])
    return result


def _row(label: str, value: Any) -> str:
    return f"| {label} | {value} |"


def report_markdown(results: list[dict[str, Any]]) -> str:
    """One table per scale."""
    lines: list[str] = []
    for r in results:
        e, h, i = r["engine"], r["http"], r.get("ingest", {})
        wp, fp, bp = e["warm_pass"], e["first_pass"], e.get("busy_core_pass", {})
        prof = e["retrieve_profile"]
        single = h["single_user"]["p50_ms"]
        lines += [f"### {e['chunks']:,} chunks ({e['documents']:,} documents), backend {r['backend']}", "",
                  "| figure | value |", "| --- | --- |"]
        if i:
            lines += [
                _row("ingest", f"{i['ingest_s']} s, {i['ingest_chunks_per_s']} chunks/s "
                     f"({i['sentences_embedded']:,} sentences embedded too)"),
                _row("raw encode, same texts", f"{i['raw_encode_chunks_and_sentences_per_s']} chunks/s with their "
                     f"sentences, {i['raw_encode_chunks_per_s']} chunks/s alone (sample {i['raw_sample_chunks']})"),
                _row("ingest / raw encode", f"{i['ratio_to_raw_same_work']} same work; "
                     f"{i['ratio_to_raw_chunks_only']} vs chunk texts alone"),
                _row("re-ingest unchanged", f"{i['reingest_unchanged_s']} s (median of 3)"),
                _row("index on disk", f"{i['index_mb']} MB"),
            ]
        lines += [
            _row("engine start (fresh process: imports, load, model, warm-up)",
                 f"{e['start_s']} s (imports {e['import_s']}, library {e['engine_load_s']}, model "
                 f"{e['model_load_s']}, warm-up {e['warm_up_s']})"),
            _row("`citecare serve`: first /healthz reply, ready", f"{h['serve_first_response_s']} s, {h['serve_ready_s']} s"),
            _row("first answer after start", f"{e['first_answer_ms']} ms"),
            _row("answer p50 / p95, first pass (passages new)", f"{fp['total']['p50']} / {fp['total']['p95']} ms"),
            _row("answer p50 / p95, warm", f"{wp['total']['p50']} / {wp['total']['p95']} ms"),
            _row("  retrieve p50 / p95, warm", f"{wp['retrieve']['p50']} / {wp['retrieve']['p95']} ms"),
            _row("  compose p50 / p95, warm", f"{wp['compose']['p50']} / {wp['compose']['p95']} ms"),
            _row("  guard p50, warm", f"{wp['guard']['p50']} ms"),
            _row("retrieve profile p50 (ms)", ", ".join(f"{k} {v['p50']}" for k, v in prof.items())),
        ]
        if "peer" in e:
            lines.append(_row("LangChain tutorial similarity_search p50 / p95",
                              f"{e['peer']['similarity_search']['p50']} / {e['peer']['similarity_search']['p95']} ms"))
        if bp:
            lines.append(_row("answer p50 / p95 with the other core busy",
                              f"{bp['total']['p50']} / {bp['total']['p95']} ms"))
        lines.append(_row("resident memory (engine process): after start, after the questions",
                          f"{e['rss_after_start_mb']} MB, {e['rss_after_questions_mb']} MB"))
        lines.append(_row("resident memory (`citecare serve`): ready, peak after load",
                          f"{h['serve_rss_ready_mb']} MB, {h['serve_rss_peak_mb']} MB"))
        lines.append(_row("HTTP /api/answer, one user p50 / p95", f"{single} / {h['single_user']['p95_ms']} ms"))
        for key, label in (("load_back_to_back", "back to back"), ("load_with_think_time", "with think time")):
            if key in h:
                lo = h[key]
                ratio = round(lo["p95_ms"] / single, 1) if single else 0
                think = f", think {lo['think_ms']:.0f} ms" if lo["think_ms"] else ""
                lines.append(_row(f"HTTP load {lo['users']} users x {lo['questions_each']} ({label}{think})",
                                  f"{lo['errors']} errors, p50 {lo['p50_ms']} ms, p95 {lo['p95_ms']} ms "
                                  f"(= {ratio}x one-user p50), {lo['answers_per_s']} answers/s"))
        lines.append("")
    return "\n".join(lines)


def bench(
    scale: Annotated[list[int] | None, typer.Option("--scale", help="Chunks in the synthetic library (repeatable).")] = None,
    backend: Annotated[str, typer.Option(help="Embedding backend: torch or onnx-int8.")] = "torch",
    users: Annotated[int, typer.Option(help="Simultaneous users in the HTTP load run.")] = 16,
    questions: Annotated[int, typer.Option(help="Questions per user in the load run.")] = 25,
    think_ms: Annotated[float, typer.Option(help="Mean pause between answer and next question (0: skip that run).")] = 2000,
    n_questions: Annotated[int, typer.Option(help="Questions for the latency passes.")] = 100,
    raw_sample: Annotated[int, typer.Option(help="Chunks in the raw-encode sample.")] = 2000,
    work_dir: Annotated[Path | None, typer.Option(help="Keep corpora and indexes here (default: a temp folder).")] = None,
    reuse_index: Annotated[bool, typer.Option(help="Reuse an index from an earlier run in --work-dir.")] = False,
    peer: Annotated[bool, typer.Option(help="Also time the LangChain tutorial's similarity search.")] = True,
    triage_messages: Annotated[int, typer.Option(help="Safety dev messages for the triage timing (0: skip it).")] = 300,
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
) -> None:
    """Benchmark ingest, start, latency, memory and HTTP load at 1k/10k/100k chunks (synthetic, offline)."""
    if backend not in ("torch", "onnx-int8"):
        raise typer.BadParameter("backend must be torch or onnx-int8")
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the report
    scales = scale or DEFAULT_SCALES
    work = work_dir or Path(tempfile.mkdtemp(prefix="citecare-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    options = {"users": users, "questions": questions, "think_ms": think_ms, "n_questions": n_questions,
               "raw_sample": raw_sample, "reuse_index": reuse_index, "peer": peer}
    results: list[dict[str, Any]] = []
    triage: dict[str, Any] | None = None
    try:
        for n in scales:
            results.append(bench_scale(n, work, backend, options))
            if out:
                out.write_text(json.dumps(results, indent=2))
        if triage_messages > 0 and results:
            from citecare.app.bench_triage import triage_latency

            typer.echo("[triage] timing the guard …", err=True)
            triage = triage_latency(triage_messages)
            results[0]["triage"] = triage  # measured once per run, not per scale
            if out:
                out.write_text(json.dumps(results, indent=2))
    finally:
        if work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    typer.echo(report_markdown(results))
    if triage is not None:
        from citecare.app.bench_triage import triage_markdown

        typer.echo(triage_markdown(triage))


def register(app: typer.Typer) -> None:
    app.command("bench")(bench)
