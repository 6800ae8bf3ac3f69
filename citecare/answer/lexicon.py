"""What retrieval knows about the words of the library, computed once per index version and persisted.

Term statistics (document frequency of content terms), the corpus vocabulary (for typo correction) and
the title index took seconds per 10k chunks to rebuild at every start; they are now the versioned
artefact ``lexicon`` (see `store.artefacts`): the first engine to meet a new version builds and publishes
it, later starts read it; `citecare ingest` publishes it with each new version (`publish_lexicon`), before
the version becomes visible, so replicas picking up a new version read it instead of rebuilding it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from citecare.answer.query import content_terms
from citecare.store.artefacts import ArtefactStore
from citecare.store.bm25 import Bm25Index
from citecare.store.snapshot import IndexSnapshot
from citecare.text import fold, publisher_from_title, words
from citecare.types import Chunk

ARTEFACT = "lexicon"


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def strip_publisher(title: str) -> str:
    """'Lupus - What is Lupus? (MedlinePlus (NLM))' → 'Lupus - What is Lupus?'."""
    publisher = publisher_from_title(title)
    return title[: -len(publisher) - 2].strip() if publisher else title


@dataclass(frozen=True)
class Lexicon:
    """Vocabulary counts, term document frequencies and the document-title index of one library version."""

    vocabulary: dict[str, int]
    df: dict[str, int]
    n_chunks: int
    titles: Bm25Index  # ranks doc ids by their title
    title_questions: list[str]  # normalised question part of each title, in titles.chunk_ids order

    @classmethod
    def build(cls, chunks: Mapping[str, Chunk]) -> Lexicon:
        vocabulary: Counter[str] = Counter()
        df: Counter[str] = Counter()
        titles: dict[str, str] = {}
        for c in chunks.values():
            text = c.embedding_text()
            vocabulary.update(w for w in words(text) if len(w) >= 4 and w.isalpha())
            df.update(content_terms(text))
            titles.setdefault(c.doc_id, fold(strip_publisher(c.meta.title)))
        index = Bm25Index.build(list(titles), list(titles.values()), stamp="titles")
        questions = [normalise(t.split(" - ", 1)[-1]) for t in titles.values()]
        return cls(dict(vocabulary), dict(df), len(chunks), index, questions)

    def write(self, folder: Path) -> None:
        (folder / "lexicon.json").write_text(json.dumps({
            "vocabulary": self.vocabulary, "df": self.df, "n_chunks": self.n_chunks,
            "title_questions": self.title_questions,
        }, ensure_ascii=False), encoding="utf-8")
        self.titles.write(folder / "titles")

    @classmethod
    def read(cls, folder: Path) -> Lexicon | None:
        path = folder / "lexicon.json"
        titles = Bm25Index.load(folder / "titles")
        if not path.is_file() or titles is None:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["vocabulary"], data["df"], int(data["n_chunks"]), titles, list(data["title_questions"]))


def publish_lexicon(store: ArtefactStore, version: int, chunks: Sequence[Chunk]) -> None:
    """Build and publish the lexicon of ``chunks`` (the committed chunks, in order) as ``version``'s."""
    store.publish(ARTEFACT, version, Lexicon.build({c.chunk_id: c for c in chunks}).write)


def lexicon_for(snapshot: IndexSnapshot) -> Lexicon:
    """The snapshot's lexicon: read from its artefact, or built (and published for the next start)."""
    store = snapshot.artefacts
    if store is not None:
        folder = store.fetch(ARTEFACT, snapshot.version)
        found = Lexicon.read(folder) if folder else None
        if found is not None and found.n_chunks == len(snapshot.chunks):
            return found
    lexicon = Lexicon.build(snapshot.chunks)
    if store is not None:
        store.publish(ARTEFACT, snapshot.version, lexicon.write)
    return lexicon
