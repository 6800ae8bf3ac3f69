"""The lean JSON path and readiness: /healthz, /api/answer, rate limit, input cap, start-up state (fakes)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from citecare.app.readiness import EngineStarter
from citecare.app.web.api import TokenBuckets, build_api_router
from citecare.errors import IndexNotReady
from tests.conftest import make_settings
from tests.fakes import FakeEngine

HEALTH_KEYS = {"ok", "ready", "documents", "chunks", "index_version"}


def client_for(engine: object, tmp_path: Path, **overrides: object) -> TestClient:
    app = FastAPI()
    app.include_router(build_api_router(engine, make_settings(tmp_path, **overrides)))  # type: ignore[arg-type]
    return TestClient(app)


def test_healthz_says_starting_until_the_engine_is_warm_then_ready(tmp_path: Path) -> None:
    release = threading.Event()
    warmed: list[bool] = []

    class SlowEngine(FakeEngine):
        def warm_up(self) -> float:
            warmed.append(True)
            return 1.0

    def factory() -> FakeEngine:
        release.wait(10)
        return SlowEngine()

    starter = EngineStarter(factory).start()
    client = client_for(starter, tmp_path)
    starting = client.get("/healthz")
    assert starting.status_code == 503
    body = starting.json()
    assert set(body) >= HEALTH_KEYS and body["ready"] is False and body["ok"] is False
    assert body["status"] == "starting"
    refused = client.post("/api/answer", json={"question": "What is methotrexate?"})
    assert refused.status_code == 503 and refused.json()["error"] == "starting"
    assert "Retry-After" in refused.headers
    release.set()
    assert starter.wait(10)
    ready = client.get("/healthz")
    assert ready.status_code == 200 and ready.json()["ready"] is True and warmed == [True]
    assert ready.json()["status"] == "ready" and ready.json()["ready_after_s"] is not None


def test_a_missing_index_is_reported_and_retried(tmp_path: Path) -> None:
    attempts: list[int] = []

    def factory() -> FakeEngine:
        attempts.append(1)
        if len(attempts) < 3:
            raise IndexNotReady("The index is empty: run `citecare ingest`.")
        return FakeEngine()

    starter = EngineStarter(factory, retry_s=0.01).start()
    assert starter.wait(10) and len(attempts) == 3
    assert starter.health()["ready"] is True


def test_unavailable_status_names_the_problem(tmp_path: Path) -> None:
    def factory() -> FakeEngine:
        raise IndexNotReady("The index is empty: run `citecare ingest`.")

    starter = EngineStarter(factory, retry_s=10).start()
    try:
        deadline = __import__("time").monotonic() + 5
        while starter.health()["status"] == "starting" and __import__("time").monotonic() < deadline:
            pass
        health = client_for(starter, tmp_path).get("/healthz").json()
        assert health["status"] == "unavailable" and "citecare ingest" in health["message"]
    finally:
        starter.stop()


def test_answer_returns_the_answer_json(tmp_path: Path) -> None:
    engine = FakeEngine()
    history = [{"role": "user", "content": "What is methotrexate?"}, {"role": "assistant", "content": "A medicine."}]
    resp = client_for(engine, tmp_path).post("/api/answer", json={"question": "Do I need blood tests?",
                                                                  "history": history})
    assert resp.status_code == 200
    data = resp.json()
    assert data["kind"] == "answer" and data["citations"][0]["n"] == 1 and "[1]" in data["text"]
    assert engine.questions == ["Do I need blood tests?"]


def test_answer_streams_ndjson_deltas_then_the_answer(tmp_path: Path) -> None:
    resp = client_for(FakeEngine(), tmp_path).post("/api/answer", json={"question": "Blood tests?", "stream": True})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in resp.text.splitlines()]
    assert lines[-1]["answer"]["kind"] == "answer"
    assert "".join(x["delta"] for x in lines[:-1]).strip() == lines[-1]["answer"]["text"]


@pytest.mark.parametrize(("payload", "status"), [
    ({"question": ""}, 422),
    ({"question": "ok", "history": [{"role": "system", "content": "x"}]}, 422),
    ({"question": "ok", "history": "not a list"}, 422),
    ({"nothing": 1}, 422),
    ({"question": "x" * 5000}, 413),
])
def test_bad_input_is_refused_without_a_traceback(tmp_path: Path, payload: dict[str, object], status: int) -> None:
    resp = client_for(FakeEngine(), tmp_path).post("/api/answer", json=payload)
    assert resp.status_code == status
    assert set(resp.json()) == {"error", "message"} and "Traceback" not in resp.text


def test_oversized_body_is_refused(tmp_path: Path) -> None:
    client = client_for(FakeEngine(), tmp_path, max_request_bytes=2048)
    resp = client.post("/api/answer", content=b'{"question": "' + b"a" * 4000 + b'"}',
                       headers={"content-type": "application/json"})
    assert resp.status_code == 413


def test_not_json_is_refused(tmp_path: Path) -> None:
    resp = client_for(FakeEngine(), tmp_path).post("/api/answer", content=b"\xff\x00not json")
    assert resp.status_code == 422


def test_one_client_is_rate_limited(tmp_path: Path) -> None:
    client = client_for(FakeEngine(), tmp_path, api_rate_per_minute=60, api_burst=3)
    codes = [client.post("/api/answer", json={"question": "Blood tests?"}).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    limited = client.post("/api/answer", json={"question": "Blood tests?"})
    assert int(limited.headers["Retry-After"]) >= 1 and limited.json()["error"] == "rate_limited"


def test_token_buckets_refill_and_keep_clients_apart() -> None:
    buckets = TokenBuckets(rate_per_minute=60, burst=2)
    assert buckets.take("a", now=0.0) == 0 and buckets.take("a", now=0.0) == 0
    assert buckets.take("a", now=0.0) == pytest.approx(1.0)
    assert buckets.take("b", now=0.0) == 0  # another client is not affected
    assert buckets.take("a", now=1.0) == 0  # one token back after a second
    assert TokenBuckets(rate_per_minute=0, burst=1).take("a") == 0  # 0 turns the limit off


def test_engine_failure_is_a_friendly_500(tmp_path: Path) -> None:
    class Broken(FakeEngine):
        def ask(self, question, history=()):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    resp = client_for(Broken(), tmp_path).post("/api/answer", json={"question": "Blood tests?"})
    assert resp.status_code == 500 and "boom" not in resp.text and resp.json()["error"] == "internal"
