"""BM25 over the committed chunks (bm25s + Snowball stemmer), saved beside the index at ingest."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from citecare.text import fold, stem_words

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class Bm25Index:
    """Lexical retriever; its document order is `chunk_ids`."""

    def __init__(self, retriever: Any, chunk_ids: list[str], stamp: str) -> None:
        self.retriever = retriever
        self.chunk_ids = chunk_ids
        self.stamp = stamp

    @staticmethod
    def _tokenize(texts: Sequence[str]) -> Any:
        import bm25s

        return bm25s.tokenize([fold(t) for t in texts], stopwords="en", stemmer=stem_words, show_progress=False)

    @classmethod
    def build(cls, chunk_ids: Sequence[str], texts: Sequence[str], stamp: str) -> Bm25Index:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG level

        retriever = bm25s.BM25()
        if texts:
            retriever.index(cls._tokenize(texts), show_progress=False)
        return cls(retriever, list(chunk_ids), stamp)

    def write(self, folder: Path) -> None:
        """Write the index into an (empty) folder; readers load it with `load` (memory-mapped)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.chunk_ids:
            self.retriever.save(str(folder))
        (folder / "citecare.json").write_text(json.dumps({"stamp": self.stamp, "chunk_ids": self.chunk_ids}))

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = True) -> Bm25Index | None:
        """The index written by `write`; memory-mapped, so only the columns a query reads become resident."""
        import bm25s

        info_path = folder / "citecare.json"
        if not info_path.is_file():
            return None
        info = json.loads(info_path.read_text())
        retriever = bm25s.BM25.load(str(folder), mmap=mmap) if info["chunk_ids"] else bm25s.BM25()
        return cls(retriever, list(info["chunk_ids"]), str(info["stamp"]))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Best chunks for the query, as (chunk_id, score), score > 0 only."""
        if not self.chunk_ids:
            return []
        tokens = self._tokenize([query])
        if not tokens.vocab or not any(tokens.ids):
            return []
        k = min(k, len(self.chunk_ids))
        docs, scores = self.retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        out: list[tuple[str, float]] = []
        for idx, score in zip(np.asarray(docs)[0], np.asarray(scores)[0], strict=True):
            if score > 0:
                out.append((self.chunk_ids[int(idx)], float(score)))
        return out
