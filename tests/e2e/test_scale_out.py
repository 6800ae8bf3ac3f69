"""Past one machine, all real on loopback: `chroma run` + PostgreSQL + two `citecare serve` replicas + nginx
with the shipped deploy/nginx/citecare.conf.

Ingest through the CLI (as from another machine); both replicas answer with citations through nginx; a
document ingested while they serve is answered about by both within 15 s; a rating written through
replica 1 is read through replica 2; with replica 1 killed, nginx keeps serving from replica 2.
Each replica has its own empty local folder: nothing is shared but the Chroma server and PostgreSQL.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from citecare.config import PROJECT_ROOT
from tests.servers import (
    Nginx,
    Replica,
    chroma_server,
    clean_env,
    nginx_server,
    require_binaries,
    start_replica,
    stop,
    wait_healthy,
)

SEED_QUESTION = "Why do I need blood tests on immunosuppressants?"
NEW_DOC_ID = "azathioprine-sun-safety"
NEW_DOC = """Sun safety while taking azathioprine

Azathioprine lowers the immune system's defences, and people who take it for a long time have a higher
risk of skin cancer. Wear a broad-spectrum sunscreen with SPF 30 or higher every day, even when it is
cloudy. Wear a hat and clothing that covers the arms and legs, and avoid sunbeds. Ask for a skin check
once a year, and show your doctor any new or changing mole or spot.
"""
NEW_QUESTION = "Do I need to wear sunscreen while I take azathioprine?"
PICKUP_LIMIT_S = 15.0


def _citecare(args: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    exe = str(Path(sys.executable).with_name("citecare"))
    done = subprocess.run([exe, *args, "--json"], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return dict(json.loads(done.stdout))


def _route_keys(nginx: Nginx, replicas: list[Replica]) -> dict[int, str]:
    """A cc_route cookie value that nginx's hash sends to each replica (read from the upstream log)."""
    wanted = {f"127.0.0.1:{r.port}": r.port for r in replicas}
    keys: dict[int, str] = {}
    for i in range(200):
        key = f"probe-{i}"
        assert httpx.get(f"{nginx.url}/healthz", cookies={"cc_route": key}, timeout=10).status_code == 200
        port = wanted[[upstream for uri, _, upstream in nginx.requests() if uri == "/healthz"][-1]]
        keys.setdefault(port, key)
        if len(keys) == len(replicas):
            return keys
    raise AssertionError("nginx sent every route key to the same replica")


def _served_by(nginx: Nginx, since: int, wanted_uri: Callable[[str], bool]) -> set[str]:
    """Replicas that served the logged requests after row ``since`` whose path ``wanted_uri`` accepts.

    Filtering by path matters: an earlier gradio client's heartbeat stream outlives ``client.close()`` and is
    logged when its connection ends, in the middle of later requests.
    """
    return {upstream for uri, _, upstream in nginx.requests()[since:] if wanted_uri(uri)}


def _ask(nginx: Nginx, key: str, question: str, track: bool = True) -> tuple[dict[str, Any], set[str]]:
    """Ask through nginx as the browser holding cookie ``key``; returns the answer and the replicas that
    served its requests (read from nginx's log when ``track``)."""
    from gradio_client import Client

    before = len(nginx.requests()) if track else 0
    client = Client(nginx.url, httpx_kwargs={"cookies": {"cc_route": key}}, verbose=False)
    data = dict(client.predict(question, "[]", api_name="/answer"))
    session = client.session_hash
    client.close()
    if not track:
        return data, set()
    return data, _served_by(nginx, before, lambda uri: "/heartbeat/" not in uri or uri.endswith(session))


def _cited(answer: dict[str, Any]) -> list[str]:
    return [c["doc_id"] for c in answer.get("citations", [])]


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_two_replicas_behind_nginx(tmp_path: Path, postgres_url: str) -> None:
    require_binaries("nginx", "chroma")
    password = secrets.token_urlsafe(12)
    with chroma_server(tmp_path) as chroma_url:
        settings = {"chroma_url": chroma_url, "database_url": postgres_url, "collection": "scaleout",
                    "corpus_dir": str(PROJECT_ROOT / "corpus"), "sources_file": str(PROJECT_ROOT / "ingest" / "sources.toml"),
                    "educator_username": "educator", "educator_password": password}
        # One machine ingests the seed corpus through the CLI.
        ingest_box = tmp_path / "ingest-machine"
        ingest_box.mkdir()
        summary = _citecare(["ingest"], clean_env(index_dir=str(ingest_box / "index"), **settings), ingest_box)
        assert summary["added"] == 1 and summary["failed"] == 0, summary

        replicas: list[Replica] = []
        try:
            for name in ("replica-1", "replica-2"):
                box = tmp_path / name
                box.mkdir()
                replicas.append(start_replica(clean_env(index_dir=str(box / "index"), **settings), box))
            for replica in replicas:
                health = wait_healthy(replica)
                assert health["documents"] == 1 and health["chunks"] >= 3, health
            r1, r2 = replicas
            with nginx_server([r.port for r in replicas], tmp_path / "nginx") as nginx:
                keys = _route_keys(nginx, replicas)
                assert httpx.get(f"{nginx.url}/healthz", timeout=10).json()["ok"] is True

                # Both replicas answer with citations through nginx, each request of a browser on one replica.
                for replica in replicas:
                    answer, served_by = _ask(nginx, keys[replica.port], SEED_QUESTION)
                    assert served_by == {f"127.0.0.1:{replica.port}"}, served_by
                    assert answer["kind"] == "answer" and "[1]" in answer["text"], answer
                    assert _cited(answer)[0] == "immunosuppressants-and-chronic-pain"
                    before, _ = _ask(nginx, keys[replica.port], NEW_QUESTION)
                    assert NEW_DOC_ID not in _cited(before)

                # A new document is ingested (from the other machine) while both serve.
                new_file = ingest_box / "new" / f"{NEW_DOC_ID}.txt"
                new_file.parent.mkdir()
                new_file.write_text(NEW_DOC, encoding="utf-8")
                summary = _citecare(["ingest", str(new_file)], clean_env(index_dir=str(ingest_box / "index"),
                                                                       **settings), ingest_box)
                assert summary["added"] == 1 and summary["failed"] == 0, summary
                ingested_at = time.monotonic()
                picked_up: dict[int, float] = {}
                while len(picked_up) < 2 and time.monotonic() - ingested_at < PICKUP_LIMIT_S + 30:
                    for replica in replicas:
                        if replica.port not in picked_up:
                            answer, _ = _ask(nginx, keys[replica.port], NEW_QUESTION, track=False)
                            if answer["kind"] == "answer" and NEW_DOC_ID in _cited(answer):
                                picked_up[replica.port] = time.monotonic() - ingested_at
                    time.sleep(0.5)
                print(f"new document answered by replica 1 after {picked_up.get(r1.port)} s, "
                      f"replica 2 after {picked_up.get(r2.port)} s")
                assert len(picked_up) == 2 and max(picked_up.values()) <= PICKUP_LIMIT_S, picked_up

                # A rating written through replica 1 is read through replica 2.
                rated, _ = _ask(nginx, keys[r1.port], NEW_QUESTION)
                auth = ("educator", password)
                question = f"Sunscreen on azathioprine? ({secrets.token_hex(4)})"
                n_before = len(nginx.requests())
                created = httpx.post(f"{nginx.url}/api/ratings", cookies={"cc_route": keys[r1.port]}, auth=auth,
                                     json={"question": question, "answer": rated, "thumbs": "up",
                                           "comment": "clear and cited"}, timeout=30)
                assert created.status_code == 201, created.text
                assert _served_by(nginx, n_before, lambda uri: uri == "/api/ratings") == {f"127.0.0.1:{r1.port}"}
                n_before = len(nginx.requests())
                export = httpx.get(f"{nginx.url}/api/ratings", cookies={"cc_route": keys[r2.port]}, auth=auth,
                                   timeout=30)
                assert _served_by(nginx, n_before, lambda uri: uri == "/api/ratings") == {f"127.0.0.1:{r2.port}"}
                cases = [json.loads(line) for line in export.text.splitlines()]
                assert [c for c in cases if c["question"] == question] == [{
                    "id": f"rating-{created.json()['id']}", "question": question, "expected_kind": "answer",
                    "expected_sources": list(dict.fromkeys(_cited(rated))), "must_include": [],
                    "must_not_include": [], "tags": ["from-rating", "thumbs-up"], "notes": "clear and cited"}]

                # Replica 1 dies (SIGKILL, no graceful shutdown): its browsers (same cookie) are served by
                # replica 2 through nginx.
                r1.proc.kill()
                r1.proc.wait(timeout=10)
                answer, served_by = _ask(nginx, keys[r1.port], SEED_QUESTION)
                assert answer["kind"] == "answer" and _cited(answer), answer
                assert served_by == {f"127.0.0.1:{r2.port}"}, served_by
                assert httpx.get(f"{nginx.url}/healthz", timeout=10).status_code == 200
        finally:
            for replica in replicas:
                stop(replica.proc)
