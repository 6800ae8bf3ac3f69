"""How a replica gets the lexical index at N chunks (default 100k) from a real `chroma run` server:
rebuild it from the server's chunks, or fetch the versioned artefact the server holds (README "Scaling out").

Fills a Chroma server with the synthetic library (app/synthetic_corpus.py) split into chunks, with random
unit vectors (vectors play no part in either path, and embedding 100k chunks would take most of an hour
here), publishes the derived data as ingest does, then times from a replica's empty disk, in one run:

- rebuild: read every committed chunk from the server (paginated) + build BM25 + chunk table + lexicon
  (what `ChromaLibrary.snapshot` + `lexicon_for` do with no artefact to fetch);
- artefact: fetch the library and lexicon artefacts from the server into the local cache and load them;
- publish: what ingest adds to make the artefact (pack + upload), paid once per version.

    .venv/bin/python scripts/bench_shared_library.py --chunks 100000 --repeat 3 --json out.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citecare.answer.lexicon import ARTEFACT as LEXICON_ARTEFACT  # noqa: E402
from citecare.answer.lexicon import lexicon_for  # noqa: E402
from citecare.app.synthetic_corpus import write_corpus  # noqa: E402
from citecare.config import Settings  # noqa: E402
from citecare.ingest.chunking import chunk_id  # noqa: E402
from citecare.store.artefacts import LocalArtefactStore  # noqa: E402
from citecare.store.chroma import ChromaIndex, DocRecord, make_client  # noqa: E402
from citecare.store.chroma_artefacts import ChromaArtefactStore  # noqa: E402
from citecare.store.snapshot import LIBRARY_ARTEFACT, ChromaLibrary, publish_library  # noqa: E402
from citecare.types import Chunk, SourceMeta  # noqa: E402
from tests.servers import chroma_server  # noqa: E402


class RandomVectors:
    """Unit vectors of the real model's size; never searched here."""

    identity = "bench|random-384"

    def __init__(self) -> None:
        self.rng = np.random.default_rng(0)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        v = self.rng.standard_normal((len(texts), 384)).astype(np.float32)
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def synthetic_chunks(folder: Path, n: int) -> list[tuple[SourceMeta, list[Chunk]]]:
    """Documents of the synthetic library, two paragraphs per chunk, until ``n`` chunks."""
    write_corpus(folder, n)
    docs: list[tuple[SourceMeta, list[Chunk]]] = []
    total = 0
    for path in sorted(folder.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        paras = [p.strip() for p in body.split("\n\n") if p.strip()]
        meta = SourceMeta(doc_id=path.stem, title=title.strip(), publisher="Synthetic", reviewed="2025-01",
                          path=str(path))
        chunks = [Chunk(chunk_id=chunk_id(path.stem, f"{i}:{text}"), doc_id=path.stem, text=text, ordinal=i, meta=meta)
                  for i, text in enumerate("\n\n".join(paras[j : j + 2]) for j in range(0, len(paras), 2))]
        docs.append((meta, chunks))
        total += len(chunks)
        if total >= n:
            break
    return docs


def fill(index: ChromaIndex, docs: list[tuple[SourceMeta, list[Chunk]]], embedder: RandomVectors) -> None:
    batch: list[tuple[SourceMeta, list[Chunk]]] = []
    for item in docs:
        batch.append(item)
        if sum(len(c) for _, c in batch) >= 2000 or item is docs[-1]:
            chunks = [c for _, cs in batch for c in cs]
            index.upsert_chunks(chunks, embedder.embed_documents([c.text for c in chunks]), ["h"] * len(chunks))
            index.commit_documents([DocRecord(m.doc_id, "h", tuple(c.chunk_id for c in cs), m) for m, cs in batch])
            batch = []


def timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="citecare-bench-shared-"))
    figures: dict[str, Any] = {"chunks": args.chunks}
    with chroma_server(work) as url:
        settings = Settings(_env_file=None, chroma_url=url, collection="bench", index_dir=work / "ingest")  # type: ignore[call-arg]
        embedder = RandomVectors()
        index = ChromaIndex(make_client(settings), "bench", embedder)  # type: ignore[arg-type]
        docs = synthetic_chunks(work / "corpus", args.chunks)
        seconds, _ = timed(lambda: fill(index, docs, embedder))
        figures["chunks"] = index.count()
        print(f"{figures['chunks']} chunks of {len(docs)} documents written in {seconds:.0f} s", flush=True)

        ingest_store = ChromaArtefactStore(index, LocalArtefactStore(work / "ingest-cache"))
        version = index.version() + 1
        listed = index.committed_chunks()
        seconds, folder = timed(lambda: publish_library(ingest_store, version, listed))
        index.bump_version(to=version)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        figures["library_artefact_mb"] = round(size / 1e6, 1)
        entry = ingest_store.artefacts.get(ids=[f"{LIBRARY_ARTEFACT}@{version}"], include=["metadatas"])["metadatas"][0]
        figures["library_artefact_gzip_mb"] = round(entry["bytes"] / 1e6, 1)
        figures["ingest_build_and_publish_s"] = round(seconds, 2)
        snap = ChromaLibrary(index, settings, ingest_store).snapshot()
        lexicon_for(snap)  # published once, as the first engine to meet this version does

        runs: dict[str, list[float]] = {"rebuild_s": [], "artefact_s": [], "rebuild_library_s": [],
                                        "artefact_library_s": []}
        for r in range(args.repeat):
            # A replica with an empty disk that rebuilds from the server's chunks (no artefact to fetch).
            rebuild_store = LocalArtefactStore(work / f"rebuild-{r}")
            lib = ChromaLibrary(index, settings, rebuild_store)
            t_lib, snap = timed(lib.snapshot)
            t_lex, _ = timed(lambda s=snap: lexicon_for(s))
            runs["rebuild_library_s"].append(t_lib)
            runs["rebuild_s"].append(t_lib + t_lex)
            # A replica with an empty disk that fetches the artefacts the server holds.
            fetch_store = ChromaArtefactStore(index, LocalArtefactStore(work / f"fetch-{r}"))
            lib = ChromaLibrary(index, settings, fetch_store)
            t_lib, snap = timed(lib.snapshot)
            assert fetch_store.cache.fetch(LIBRARY_ARTEFACT, version) is not None
            t_lex, _ = timed(lambda s=snap: lexicon_for(s))
            assert fetch_store.cache.fetch(LEXICON_ARTEFACT, version) is not None
            runs["artefact_library_s"].append(t_lib)
            runs["artefact_s"].append(t_lib + t_lex)
            print(f"run {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in runs.items()), flush=True)
        for key, values in runs.items():
            figures[f"median_{key}"] = round(statistics.median(values), 2)
        figures["runs"] = {k: [round(v, 2) for v in vals] for k, vals in runs.items()}
        figures["speedup_artefact_over_rebuild"] = round(figures["median_rebuild_s"] / figures["median_artefact_s"], 1)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
