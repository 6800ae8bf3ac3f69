"""/api/ratings: educator credentials required, ratings written and exported through the shared store."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from citecare.app.ratings_store import RatingsStore
from citecare.app.web.ratings_api import add_ratings_api
from citecare.types import Answer, Citation
from tests.conftest import make_settings

ANSWER = Answer(kind="answer", text="Blood tests help. [1]", citations=(Citation(
    n=1, doc_id="doc-a", chunk_id="c1", title="T", source="S", url="", reviewed="2024-05", passage="p", quote="q"),))


def _client(tmp_path: Path, **overrides: object) -> tuple[TestClient, RatingsStore]:
    settings = make_settings(tmp_path, **overrides)
    store = RatingsStore.from_settings(settings)
    api = FastAPI()
    add_ratings_api(api, store, settings)
    return TestClient(api), store


def test_off_without_credentials(tmp_path: Path) -> None:
    client, _ = _client(tmp_path)
    assert client.get("/api/ratings", auth=("a", "b")).status_code == 404


def test_write_and_export_with_credentials(tmp_path: Path) -> None:
    client, store = _client(tmp_path, educator_username="ed", educator_password="pw")
    body = {"question": "Why blood tests?", "answer": ANSWER.to_dict(), "thumbs": "up", "labels": [],
            "comment": " fine ", "history": [{"role": "user", "content": "hi"}]}
    assert client.post("/api/ratings", json=body).status_code == 401
    assert client.post("/api/ratings", json=body, auth=("ed", "wrong")).status_code == 401
    created = client.post("/api/ratings", json=body, auth=("ed", "pw"))
    assert created.status_code == 201 and created.json() == {"id": 1}
    assert store.all()[0].comment == "fine" and store.all()[0].answer == ANSWER

    for bad in ({**body, "labels": ["rude"]}, {**body, "thumbs": "meh"}, {**body, "history": [{"role": "x"}]},
                {**body, "answer": {"kind": "poem"}}, {**body, "question": ""}):
        assert client.post("/api/ratings", json=bad, auth=("ed", "pw")).status_code == 422, bad
    assert store.count() == 1

    export = client.get("/api/ratings", auth=("ed", "pw"))
    assert export.status_code == 200
    cases = [json.loads(line) for line in export.text.splitlines()]
    assert cases == store.eval_cases() and cases[0]["expected_sources"] == ["doc-a"]


def test_unreachable_database_is_503(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client, _ = _client(tmp_path, educator_username="ed", educator_password="pw",
                        database_url=f"postgresql://u:p@127.0.0.1:{port}/x")
    resp = client.get("/api/ratings", auth=("ed", "pw"))
    assert resp.status_code == 503 and "unavailable" in resp.text
