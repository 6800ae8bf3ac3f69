"""The benchmark's synthetic library: deterministic, offline, shaped like the real sources."""

from __future__ import annotations

from pathlib import Path

from citecare.app.synthetic_corpus import write_corpus


def test_same_seed_same_library(tmp_path: Path) -> None:
    a = write_corpus(tmp_path / "a", 40)
    b = write_corpus(tmp_path / "b", 40)
    files_a = sorted(p.name for p in a.folder.glob("*.txt"))
    assert files_a == sorted(p.name for p in b.folder.glob("*.txt")) and len(files_a) == a.documents == 12
    assert all((a.folder / f).read_text() == (b.folder / f).read_text() for f in files_a)
    assert a.questions == b.questions and len(a.questions) == 200
    assert write_corpus(tmp_path / "a", 40).questions == a.questions  # reused, not rewritten


def test_sheets_look_like_sources_and_questions_name_their_medicine(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c", 30)
    text = (corpus.folder / "sheet-000001.txt").read_text()
    title, _, body = text.partition("\n\n")
    assert " - " in title and len(body.split()) >= 300
    drugs = {p.read_text().split(" - ", 1)[0].lower() for p in corpus.folder.glob("*.txt")}
    named = [q for q in corpus.questions if any(d in q.lower() for d in drugs)]
    assert len(named) >= 0.7 * len(corpus.questions)  # the rest carry a typo, as patients write
