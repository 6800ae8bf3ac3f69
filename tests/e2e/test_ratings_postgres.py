"""Ratings and patient feedback on a real PostgreSQL: schema made on start by several replicas at once,
concurrent writers from separate processes, nothing lost, privacy kept, export unchanged."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citecare.app.ratings import Feedback, Rating
from citecare.app.ratings_store import RatingsStore, RatingsUnavailable
from citecare.config import PROJECT_ROOT
from citecare.types import Answer, Citation, Turn

WRITER = """
import sys, time
from citecare.app.ratings import Feedback, Rating
from citecare.app.ratings_store import RatingsStore
from citecare.types import Answer
url, worker, start_at = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
store = RatingsStore(url)
with store._get_engine().connect():  # connect first, so the schema checks below race as closely as they can
    pass
while time.time() < start_at:
    time.sleep(0.005)
store.ensure_schema()  # every 'replica' creates the schema at the same moment
for i in range(25):
    store.add(Rating(question=f"w{worker}-{i}", answer=Answer(kind="answer", text="t"), thumbs="up"))
    store.add_feedback(Feedback(thumbs="down", answer_kind="no_evidence", reason="other"))
"""


def _answer() -> Answer:
    cite = Citation(n=1, doc_id="immunosuppressants-and-chronic-pain", chunk_id="c1", title="Immunosuppressants",
                    source="CiteCare", url="", reviewed="2024-05", passage="Regular blood tests help.",
                    quote="Regular blood tests help.")
    return Answer(kind="answer", text="Regular blood tests help. [1]", citations=(cite,), disclaimer="Not advice.",
                  resolved_question="why blood tests")


@pytest.mark.e2e
def test_replicas_share_ratings_in_postgresql(postgres_url: str, tmp_path: Path) -> None:
    start_at = time.time() + 3  # all writers start their schema check together
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, postgres_url, str(w), str(start_at)], cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for w in range(6)]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0, out

    store = RatingsStore(postgres_url)
    ratings = store.all()
    assert store.count() == 150 and store.feedback_count() == 150
    assert sorted(r.question for r in ratings) == sorted(f"w{w}-{i}" for w in range(6) for i in range(25))
    assert len({r.id for r in ratings}) == 150

    rating = Rating(question="Why blood tests? ünïcode <b>", answer=_answer(), thumbs="down",
                    labels=("incomplete",), comment="short", history=(Turn("user", "hi"),))
    rid = store.add(rating)
    got = RatingsStore(postgres_url).all()[-1]  # another store, as another replica would read it
    assert (got.id, got.question, got.answer, got.history, got.labels) == (rid, rating.question, rating.answer,
                                                                           rating.history, rating.labels)
    fid = store.add_feedback(Feedback(thumbs="up", answer_kind="answer", consent=False, question="my name is Ann",
                                      cited_sources=("immunosuppressants-and-chronic-pain",)))
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT question, answer_text, comment, cited_sources FROM feedback WHERE id = %s",
                           (fid,)).fetchone()
    assert row == (None, None, None, '["immunosuppressants-and-chronic-pain"]')

    out = tmp_path / "cases.jsonl"
    assert store.export_jsonl(out) == 151  # ratings only: no feedback here was given with consent
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[-1])["id"] == f"rating-{rid}"


@pytest.mark.e2e
def test_wrong_password_is_a_plain_error(postgres_url: str) -> None:
    secret = postgres_url.split(":")[2].split("@")[0]
    bad = postgres_url.replace(secret, "not-the-password")
    with pytest.raises(RatingsUnavailable) as info:
        RatingsStore(bad).ensure_schema()
    assert "not-the-password" not in str(info.value) and secret not in str(info.value)
