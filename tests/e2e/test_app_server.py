"""The real app on the real engine: a server in a thread and `python app.py` / `citecare serve`, via gradio_client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from citecare.app.web import server
from citecare.config import PROJECT_ROOT, Settings


@pytest.mark.e2e
def test_real_app_answer_endpoint_and_healthz(seed_engine: Any, seed_settings: Settings) -> None:
    from gradio_client import Client

    app = server.build_app(seed_engine, seed_settings)
    with app.running() as url:
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        assert health["ok"] is True and health["documents"] >= 1 and health["chunks"] >= 1
        client = Client(url, verbose=False)
        assert "/answer" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        data = client.predict("Why do I need blood tests on immunosuppressants?", "[]", api_name="/answer")
        assert data["kind"] == "answer"
        assert data["citations"] and "blood test" in data["citations"][0]["passage"].lower()
        assert "[1]" in data["text"]
        follow = client.predict("and what are its risks?", json.dumps(
            [{"role": "user", "content": "Why do I need blood tests on immunosuppressants?"},
             {"role": "assistant", "content": data["text"]}]), api_name="/answer")
        assert follow["kind"] in ("answer", "no_evidence")
        assert "immunosuppress" in follow["resolved_question"].lower()


@pytest.mark.e2e
@pytest.mark.parametrize("command", [[sys.executable, "app.py"],
                                     [str(Path(sys.executable).with_name("citecare")), "serve"]], ids=["app.py", "serve"])
def test_app_py_and_serve_start_the_app(seed_settings: Settings, tmp_path: Path, command: list[str]) -> None:
    """`python app.py` and `citecare serve` as a user runs them: settings from the environment."""
    from gradio_client import Client

    port = server.free_port()
    env = {**os.environ, "CITECARE_INDEX_DIR": str(seed_settings.index_dir), "CITECARE_PORT": str(port),
           "CITECARE_HOST": "127.0.0.1", "CITECARE_RATINGS_DB": str(tmp_path / "r.sqlite3")}
    proc = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"{command} did not start"
            time.sleep(0.5)
        data = Client(url, verbose=False).predict("What are the risks of immunosuppressants?", "[]",
                                                   api_name="/answer")
        assert data["kind"] == "answer" and data["citations"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


