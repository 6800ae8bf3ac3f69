"""`citecare serve` as a user runs it: /healthz says starting, then ready; /api/answer answers over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from citecare.app.web.server import free_port
from citecare.config import PROJECT_ROOT, Settings


def test_serve_reports_starting_then_ready_and_answers_json(seed_settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CITECARE_INDEX_DIR": str(seed_settings.index_dir), "CITECARE_PORT": str(port),
           "CITECARE_HOST": "127.0.0.1", "CITECARE_RATINGS_DB": str(tmp_path / "r.sqlite3")}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("citecare")), "serve"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    seen: list[dict[str, object]] = []
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                resp = httpx.get(f"{url}/healthz", timeout=5)
                seen.append(resp.json())
                if resp.status_code == 200:
                    break
                assert resp.status_code == 503 and resp.json()["ready"] is False
                assert resp.json()["status"] == "starting", resp.json()
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"not ready in time: {seen[-3:]}"
            time.sleep(0.05)
        # Any reply before ready said "starting" (whether one comes depends on whether the engine or the web
        # page finishes loading first; tests/unit/test_api.py holds the engine back to see that state).
        ready = seen[-1]
        assert ready["ready"] is True and ready["ok"] is True and int(str(ready["chunks"])) >= 1
        resp = httpx.post(f"{url}/api/answer", json={"question": "Why do I need blood tests on immunosuppressants?"},
                          timeout=30)
        assert resp.status_code == 200
        data = resp.json()
        assert data["kind"] == "answer" and data["citations"] and "[1]" in data["text"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
