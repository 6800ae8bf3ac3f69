"""The CLI through typer's test runner, on real indexes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from citecare.app.cli import app
from tests.conftest import PROJECT_ROOT

runner = CliRunner()


def env_for(tmp_path: Path, corpus: Path | None = None) -> dict[str, str]:
    return {
        "CITECARE_INDEX_DIR": str(tmp_path / "index"),
        "CITECARE_CORPUS_DIR": str(corpus or PROJECT_ROOT / "corpus"),
        "CITECARE_SOURCES_FILE": str(PROJECT_ROOT / "ingest" / "sources.toml"),
    }


def test_ingest_stats_doctor_ask(tmp_path: Path, corpus_copy: Path) -> None:
    env = env_for(tmp_path, corpus_copy)
    (corpus_copy / "bad.pdf").write_bytes(b"not a pdf at all")

    result = runner.invoke(app, ["ingest", "--json"], env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 1 and summary["failed"] == 1
    assert summary["failures"][0]["file"].endswith("bad.pdf") and summary["failures"][0]["reason"]

    strict = runner.invoke(app, ["ingest", "--strict"], env=env)
    assert strict.exit_code != 0
    assert "bad.pdf" in strict.stdout

    (corpus_copy / "bad.pdf").unlink()
    again = runner.invoke(app, ["ingest", "--json"], env=env)
    assert json.loads(again.stdout)["unchanged"] == 1 and json.loads(again.stdout)["chunks_embedded"] == 0

    stats = runner.invoke(app, ["stats", "--json"], env=env)
    data = json.loads(stats.stdout)
    assert data["documents"] == 1 and data["chunks"] >= 3 and data["index_bytes"] > 0

    doctor = runner.invoke(app, ["doctor"], env=env)
    assert doctor.exit_code == 0, doctor.stdout
    assert "problem" not in doctor.stdout

    ask = runner.invoke(app, ["ask", "Why do I need blood tests?", "--json"], env=env)
    assert ask.exit_code == 0, ask.output
    answer = json.loads(ask.stdout)
    assert answer["kind"] == "answer"
    assert answer["citations"][0]["doc_id"] == "immunosuppressants-and-chronic-pain"
    assert set(answer) >= {"kind", "text", "citations", "disclaimer", "resolved_question", "writer",
                           "verification", "timings_ms"}


def test_doctor_explains_a_missing_index(tmp_path: Path) -> None:
    result = runner.invoke(app, ["doctor"], env=env_for(tmp_path))
    assert result.exit_code == 1
    assert "citecare ingest" in result.stdout


def test_ask_batch_and_history(seed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**env_for(tmp_path), "CITECARE_INDEX_DIR": str(seed_settings.index_dir)}
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        json.dumps({"question": "What are immunosuppressants?"}) + "\n"
        + "not json\n"
        + json.dumps({"question": "how are they monitored?",
                      "history": [{"role": "user", "content": "Tell me about immunosuppressants"}]}) + "\n"
    )
    result = runner.invoke(app, ["ask", "--batch", str(batch), "--json"], env=env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.strip()]
    assert len(lines) == 2
    assert all(a["kind"] == "answer" for a in lines)
    assert "immunosuppressants" in lines[1]["resolved_question"].lower()
    assert "line 2" in result.stderr

    history = tmp_path / "h.json"
    # (The seed names methotrexate only as one immunosuppressant: "the risks of methotrexate" is not covered.)
    history.write_text(json.dumps([{"role": "user", "content": "What are immunosuppressants used for?"}]))
    text = runner.invoke(app, ["ask", "and what are their risks?", "--history", str(history)], env=env)
    assert text.exit_code == 0
    assert "Sources:" in text.stdout and "[1]" in text.stdout
