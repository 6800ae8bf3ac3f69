"""Ingest benchmark: extdata docs + seed into a fresh index, compared with raw sentence-transformers encode.

Prints chunks, seconds, chunks/s, the ratio to a raw `encode` of the same chunk texts in the same run
(goal >= 0.9), re-ingest of the unchanged corpus (median of 5 runs, goal < 1 s) and index size on disk.

    .venv/bin/python scripts/bench_ingest.py [--docs ../shared/extdata/docs]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citecare.config import Settings  # noqa: E402
from citecare.ingest.pipeline import Ingestor  # noqa: E402
from citecare.store.chroma import ChromaIndex  # noqa: E402
from citecare.store.embedder import SentenceTransformerEmbedder, set_offline_env  # noqa: E402


def raw_encode_seconds(embedder: SentenceTransformerEmbedder, texts: list[str], batch_size: int) -> float:
    started = time.perf_counter()
    embedder.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT.parent / "shared" / "extdata" / "docs")
    args = parser.parse_args()
    set_offline_env()
    if not args.docs.is_dir():
        sys.exit(f"{args.docs} not found: the benchmark needs ../shared/extdata beside the clone")
    paths = [args.docs, ROOT / "corpus"]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, index_dir=Path(tmp) / "index", chroma_url=None)  # type: ignore[call-arg]
        embedder = SentenceTransformerEmbedder(
            settings.embedding_model, threads=settings.ingest_threads, batch_size=settings.embed_batch_size
        )
        embedder.embed_query("warm up")
        index = ChromaIndex.from_settings(settings, embedder)
        ingestor = Ingestor(settings, embedder, index)

        report = ingestor.run(paths)
        texts = [c.embedding_text() for c in index.committed_chunks()]
        raw = statistics.median(raw_encode_seconds(embedder, texts, settings.embed_batch_size) for _ in range(2))
        reruns = [ingestor.run(paths).seconds for _ in range(5)]
        size = sum(f.stat().st_size for f in (Path(tmp) / "index").rglob("*") if f.is_file())

    n = report.chunks_embedded
    print(f"documents ingested        {len(report.added)} (failed {len(report.failed)})")
    print(f"chunks                    {n}")
    print(f"ingest seconds            {report.seconds:.1f}  (of which embedding {report.embed_seconds:.1f})")
    print(f"ingest chunks/s           {n / report.seconds:.1f}")
    print(f"raw encode chunks/s       {n / raw:.1f}  (median of 2, same texts, batch {settings.embed_batch_size})")
    print(f"ratio ingest / raw        {(n / report.seconds) / (n / raw):.2f}  (goal >= 0.9)")
    print(f"re-ingest unchanged       {statistics.median(reruns):.2f} s median of 5 (goal < 1 s)")
    print(f"index size on disk        {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
