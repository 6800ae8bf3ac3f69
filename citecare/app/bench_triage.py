"""The triage part of `citecare bench`: how long the guard takes per message, layer by layer, in one run.

Every message of the safety dev split (with its earlier turns) goes through three guards, interleaved so that
the machine's noise falls on all three alike: the rules alone, rules + learned layer reading with ONNX int8
(what the engine uses), and rules + learned layer reading with torch (what it used before), plus the
embedding call alone. Medians and the ratio to the rules alone are reported.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from citecare.config import PROJECT_ROOT, Settings
from citecare.prompts import Messages
from citecare.safety.guard import Guard
from citecare.store.embedder import SentenceTransformerEmbedder, set_offline_env, triage_embedder

DEV_SPLIT = PROJECT_ROOT / "evals" / "safety-dev.jsonl"


def _cases(path: Path, limit: int) -> list[tuple[str, list[str]]]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            history = [t["content"] for t in case.get("history", []) if t.get("role") == "user"]
            cases.append((case["question"], history))
    return cases[:limit]


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 2), "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def triage_latency(limit: int = 300, path: Path = DEV_SPLIT) -> dict[str, Any]:
    set_offline_env()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    messages = Messages(settings)
    onnx = triage_embedder(settings)
    torch = SentenceTransformerEmbedder(settings.embedding_model, threads=settings.torch_threads)
    torch.embed_query("warm up")
    guards = {
        "rules": Guard.create(settings, messages, embed=None),
        "rules_learned_onnx": Guard.create(settings, messages, embed=onnx.embed_query),
        "rules_learned_torch": Guard.create(settings, messages, embed=torch.embed_query),
    }
    calls = {**{name: g.check for name, g in guards.items()}, "embed_onnx": lambda q, _h: onnx.embed_query(q)}
    cases = _cases(path, limit)
    for question, history in cases[:10]:  # first calls build caches and sessions
        for call in calls.values():
            call(question + " .", history)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for n, (question, history) in enumerate(cases):
        names = list(calls)
        for name in names[n % len(names):] + names[: n % len(names)]:  # rotate who goes first
            started = time.perf_counter()
            calls[name](question, history)
            times[name].append((time.perf_counter() - started) * 1000)
    out: dict[str, Any] = {"messages": len(cases), "source": str(path.relative_to(PROJECT_ROOT))}
    out |= {name: _summary(values) for name, values in times.items()}
    rules_p50 = out["rules"]["p50"] or 1e-9
    out["ratio_onnx_to_rules"] = round(out["rules_learned_onnx"]["p50"] / rules_p50, 1)
    out["ratio_torch_to_onnx"] = round(out["rules_learned_torch"]["p50"] / (out["rules_learned_onnx"]["p50"] or 1e-9), 2)
    return out


def triage_markdown(t: dict[str, Any]) -> str:
    row = "| {} | {} |".format
    return "\n".join([
        f"### Triage per message ({t['messages']} messages of {t['source']}, interleaved)", "",
        "| figure | p50 / p95 |", "| --- | --- |",
        row("rules only", f"{t['rules']['p50']} / {t['rules']['p95']} ms"),
        row("rules + learned layer, ONNX int8 (the engine's)",
            f"{t['rules_learned_onnx']['p50']} / {t['rules_learned_onnx']['p95']} ms"),
        row("rules + learned layer, torch", f"{t['rules_learned_torch']['p50']} / {t['rules_learned_torch']['p95']} ms"),
        row("of which the message embedding (ONNX int8)", f"{t['embed_onnx']['p50']} / {t['embed_onnx']['p95']} ms"),
        row("torch / ONNX guard p50", f"{t['ratio_torch_to_onnx']}x"),
        "",
    ])
