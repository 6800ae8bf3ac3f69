"""Throughput of one vs two app replicas behind nginx, all real on loopback (README "Scaling out").

Starts `chroma run`, PostgreSQL, ingests through the CLI, then for each round and each replica count starts
that many `citecare serve` replicas behind the shipped deploy/nginx/citecare.conf and runs the same load:
``--users`` concurrent clients (each with its own sticky cookie, like browsers) asking ``--questions``
questions each through `POST /api/answer`. Reports answers/s, p50/p95 latency and errors per run, the
medians per replica count, and the ratio two/one from the same run.

    .venv/bin/python scripts/bench_scale_out.py                       # extdata + seed when present, else seed
    .venv/bin/python scripts/bench_scale_out.py --users 8 --questions 15 --rounds 2 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    chroma_server,
    clean_env,
    missing_binaries,
    nginx_server,
    postgres_server,
    start_replica,
    stop,
    wait_healthy,
)

EXTDATA_DOCS = ROOT.parent / "shared" / "extdata" / "docs"


def questions() -> list[str]:
    """Patient questions from the committed eval sets (answerable and not), in a fixed order."""
    found: list[str] = []
    for name in ("seed.jsonl", "safety.jsonl"):
        path = ROOT / "evals" / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    found.append(json.loads(line)["question"])
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_load(url: str, users: int, per_user: int, pool: list[str]) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        with httpx.Client(base_url=url, cookies={"cc_route": f"user-{i}"}, timeout=120) as client:
            for j in range(per_user):
                question = pool[(i * per_user + j) % len(pool)]
                started = time.perf_counter()
                try:
                    resp = client.post("/api/answer", json={"question": question})
                    ok = resp.status_code == 200 and "kind" in resp.json()
                    err = "" if ok else f"HTTP {resp.status_code}"
                except httpx.HTTPError as exc:
                    err = type(exc).__name__
                with lock:
                    if err:
                        errors.append(err)
                    else:
                        latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "answers": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "seconds": round(wall, 2),
        "answers_per_s": round(len(latencies) / wall, 2),
        "p50_ms": round(percentile(latencies, 0.5) * 1000) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95) * 1000) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", nargs="*", type=Path, help="what to ingest (default: extdata + seed, else seed)")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--questions", type=int, default=15, help="questions per user")
    parser.add_argument("--rounds", type=int, default=2, help="runs per replica count, interleaved 1,2,1,2…")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    missing = missing_binaries("postgresql", "nginx", "chroma")
    if missing:
        sys.exit(f"not installed: {', '.join(missing)}")
    docs = [p.resolve() for p in args.docs] if args.docs else (
        [EXTDATA_DOCS, ROOT / "corpus"] if EXTDATA_DOCS.is_dir() else [ROOT / "corpus"])
    pool = questions()
    work = Path(tempfile.mkdtemp(prefix="citecare-bench-scale-"))
    results: dict[str, list[dict[str, Any]]] = {"1": [], "2": []}
    with chroma_server(work) as chroma_url, postgres_server() as db_url:
        shared = {"chroma_url": chroma_url, "database_url": db_url, "collection": "bench",
                  "sources_file": str(ROOT / "ingest" / "sources.toml"), "api_rate_per_minute": "0",
                  "max_queue": "512", "log_level": "WARNING"}
        t0 = time.perf_counter()
        exe = str(Path(sys.executable).with_name("citecare"))
        done = subprocess.run([exe, "ingest", *map(str, docs), "--json"], cwd=work, capture_output=True, text=True,
                              env=clean_env(index_dir=str(work / "ingest-index"), **shared))
        if done.returncode != 0:
            sys.exit(done.stderr)
        print(f"ingested {json.loads(done.stdout)['chunks_total']} chunks in {time.perf_counter() - t0:.0f} s")
        for rnd in range(args.rounds):
            for n in (1, 2):
                replicas = []
                try:
                    for i in range(n):
                        box = work / f"round{rnd}-n{n}-r{i}"
                        box.mkdir()
                        replicas.append(start_replica(clean_env(index_dir=str(box / "index"), **shared), box))
                    for r in replicas:
                        wait_healthy(r, timeout=600)
                    with nginx_server([r.port for r in replicas], work / f"nginx-{rnd}-{n}") as nginx:
                        run_load(nginx.url, users=2 * n, per_user=3, pool=pool)  # warm every replica
                        figures = run_load(nginx.url, args.users, args.questions, pool)
                        served = [up for uri, _, up in nginx.requests() if uri == "/api/answer"]
                    figures["share_per_replica"] = {f"r{i}": served.count(f"127.0.0.1:{r.port}")
                                                    for i, r in enumerate(replicas)}
                    results[str(n)].append(figures)
                    print(f"round {rnd + 1}, {n} replica(s): {figures}", flush=True)
                finally:
                    for r in replicas:
                        stop(r.proc)
    median = {n: statistics.median(r["answers_per_s"] for r in runs) for n, runs in results.items()}
    summary = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, load average at end {os.getloadavg()[0]:.1f}",
        "users": args.users, "questions_per_user": args.questions, "rounds": args.rounds,
        "runs": results, "median_answers_per_s": median,
        "ratio_two_to_one": round(median["2"] / median["1"], 2) if median["1"] else None,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
