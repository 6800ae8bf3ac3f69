"""`citecare bench` end to end on a tiny synthetic library (the real model, Chroma, app and HTTP load)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from citecare.app.cli import app


def test_bench_prints_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(app, ["bench", "--scale", "40", "--backend", "onnx-int8", "--users", "3",
                                      "--questions", "2", "--think-ms", "50", "--n-questions", "6",
                                      "--raw-sample", "20", "--no-peer", "--triage-messages", "12", "--work-dir", str(tmp_path / "work"),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())[0]
    ingest, engine, http = figures["ingest"], figures["engine"], figures["http"]
    assert ingest["chunks"] >= 20 and ingest["sentences_embedded"] > 0 and ingest["reingest_unchanged_s"] < 30
    assert engine["start_s"] > 0 and engine["rss_after_start_mb"] > 100
    assert engine["warm_pass"]["kinds"].get("answer", 0) >= 3  # the synthetic questions are answerable
    assert engine["busy_core_pass"]["total"]["p50"] > 0
    assert http["load_back_to_back"]["errors"] == 0 and http["load_back_to_back"]["requests"] == 6
    assert http["load_with_think_time"]["errors"] == 0
    triage = figures["triage"]
    assert triage["messages"] == 12 and 0 < triage["rules"]["p50"] < triage["rules_learned_onnx"]["p50"]
    assert triage["embed_onnx"]["p50"] > 0 and triage["rules_learned_torch"]["p50"] > 0
    for label in ("Triage per message", "ingest / raw encode", "re-ingest unchanged", "engine start", "other core busy",
                  "resident memory", "HTTP load 3 users x 2"):
        assert label in result.output
