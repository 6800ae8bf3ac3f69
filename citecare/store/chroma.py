"""The only module that opens Chroma: chunk vectors plus a manifest of committed documents (and, through
`side_collection`, the collections `store.chroma_artefacts` keeps derived data in).

Readers trust the manifest, not the raw collection: ingest writes a document's chunks first and
commits the manifest entry last, so a serving app never sees a half-ingested document and a killed
ingest leaves only orphans that the next run removes.

Every bulk read is paginated (``page_size`` records per call): Chroma's SQLite backend fails with "too
many SQL variables" on a `get` of tens of thousands of ids. The chunk collection records which model and
backend made its vectors (``embedder`` in its metadata) and refuses a different one (`EmbedderMismatch`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from citecare.config import Settings
from citecare.errors import EmbedderMismatch, IndexNotReady
from citecare.protocols import Embedder
from citecare.types import Chunk, DenseHit, SourceMeta

_STATE_ID = "__state__"
_WRITE_BATCH = 256
PAGE_SIZE = 1000  # records per read call; far below SQLite's variable limit
LEGACY_EMBEDDER = "all-MiniLM-L6-v2|torch"  # collections made before the embedder was recorded


@dataclass(frozen=True)
class DocRecord:
    """A committed document as the manifest knows it."""

    doc_id: str
    content_hash: str
    chunk_ids: tuple[str, ...]
    meta: SourceMeta
    quarantined: tuple[str, ...] = ()


def _embedding_function(embedder: Embedder) -> Any:
    """Wrap our embedder so Chroma never falls back to its default one (which downloads a model)."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class CiteCareEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            self._embedder = embedder

        def __call__(self, input: Documents) -> Embeddings:
            return self._embedder.embed_documents(list(input))  # type: ignore[return-value]

        def embed_query(self, input: Documents) -> Embeddings:
            return [self._embedder.embed_query(t) for t in input]  # type: ignore[misc]

        @staticmethod
        def name() -> str:
            return "default"  # matches what Chroma persisted for collections made without a registered function

        def get_config(self) -> dict[str, Any]:
            return {}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> CiteCareEmbeddingFunction:
            raise NotImplementedError("CiteCare passes its embedder explicitly")

        def is_legacy(self) -> bool:
            return True

    return CiteCareEmbeddingFunction()


def make_client(settings: Settings) -> Any:
    """Embedded persistent client, or an HttpClient when CITECARE_CHROMA_URL is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    path = Path(settings.index_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


_SOURCE_FIELDS = ("title", "publisher", "url", "licence", "reviewed", "audience", "path")


def _source_to_chroma(meta: SourceMeta) -> dict[str, Any]:
    return {name: getattr(meta, name) for name in _SOURCE_FIELDS}


def _source_from_chroma(doc_id: str, md: dict[str, Any]) -> SourceMeta:
    return SourceMeta(doc_id=doc_id, **{name: str(md.get(name, "")) for name in _SOURCE_FIELDS})


def _meta_to_chroma(chunk: Chunk, content_hash: str) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "doc_hash": content_hash,
        "ordinal": chunk.ordinal,
        "heading": chunk.heading,
        "page": chunk.page if chunk.page is not None else -1,
        **_source_to_chroma(chunk.meta),
        "quarantined": json.dumps(list(chunk.quarantined)),
    }


def _chunk_from_chroma(chunk_id: str, text: str, md: dict[str, Any]) -> Chunk:
    meta = _source_from_chroma(str(md.get("doc_id", "")), md)
    page = int(md.get("page", -1))
    return Chunk(
        chunk_id=chunk_id,
        doc_id=meta.doc_id,
        text=text,
        ordinal=int(md.get("ordinal", 0)),
        meta=meta,
        heading=str(md.get("heading", "")),
        page=None if page < 0 else page,
        quarantined=tuple(json.loads(str(md.get("quarantined", "[]")))),
    )


class ChromaIndex:
    """Chunk vectors and the committed-document manifest, in two Chroma collections."""

    def __init__(self, client: Any, collection: str, embedder: Embedder, *, page_size: int = PAGE_SIZE) -> None:
        self.client = client
        self.name = collection
        self.embedder = embedder
        self.page_size = page_size
        ef = self._ef = _embedding_function(embedder)
        identity = getattr(embedder, "identity", None)
        self.chunks = client.get_or_create_collection(
            name=collection,
            embedding_function=ef,
            configuration={"hnsw": {"space": "cosine", "ef_search": 128, "ef_construction": 128}},
            metadata={"embedder": identity} if identity else None,
        )
        # The manifest holds no meaningful vectors; a fixed 2-d vector keeps Chroma satisfied.
        self.manifest = client.get_or_create_collection(name=f"{collection}__docs", embedding_function=ef)
        if identity:
            self._check_embedder(str(identity))

    def _check_embedder(self, identity: str) -> None:
        """Vectors from another model or backend would silently give wrong neighbours: refuse them."""
        recorded = (self.chunks.metadata or {}).get("embedder")
        if recorded is None:
            if self.chunks.count() == 0:
                self.chunks.modify(metadata={"embedder": identity})
                return
            recorded = LEGACY_EMBEDDER
        if recorded != identity:
            model, _, backend = str(recorded).partition("|")
            want_model, _, want_backend = identity.partition("|")
            fix = (f"set CITECARE_EMBEDDING_BACKEND={backend}" if model == want_model and backend != want_backend
                   else "use the model that built it")
            raise EmbedderMismatch(
                f"The index {self.name!r} was built with {model} on {backend}, but CiteCare is set to use "
                f"{want_model} on {want_backend}. Either {fix}, or rebuild the index with the new setting "
                "(a fresh CITECARE_INDEX_DIR, then `citecare ingest`)."
            )

    def side_collection(self, suffix: str) -> Any:
        """Another collection of this index, ``<name>__<suffix>``, for data that is not chunks (the derived
        artefacts of `store.chroma_artefacts`); its records carry placeholder 2-d vectors."""
        return self.client.get_or_create_collection(name=f"{self.name}__{suffix}", embedding_function=self._ef)

    def _pages(self, collection: Any, include: list[str], where: dict[str, Any] | None = None) -> Any:
        """Every record of a collection (or those matching ``where``), one page at a time."""
        offset = 0
        while True:
            got = collection.get(include=include, limit=self.page_size, offset=offset, where=where)
            if not got["ids"]:
                return
            yield got
            if len(got["ids"]) < self.page_size:
                return
            offset += len(got["ids"])

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder) -> ChromaIndex:
        return cls(make_client(settings), settings.collection, embedder)

    # --- writes (ingest only) --------------------------------------------------------------
    def existing_chunk_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), self.page_size):
            got = self.chunks.get(ids=list(ids[start : start + self.page_size]), include=[])
            found.update(got["ids"])
        return found

    def upsert_chunks(
        self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]], content_hashes: Sequence[str]
    ) -> None:
        """Write chunks (invisible to readers until their document is committed)."""
        for start in range(0, len(chunks), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            part = chunks[start:end]
            self.chunks.upsert(
                ids=[c.chunk_id for c in part],
                documents=[c.text for c in part],
                embeddings=[list(v) for v in vectors[start:end]],
                metadatas=[_meta_to_chroma(c, h) for c, h in zip(part, content_hashes[start:end], strict=True)],
            )

    def update_chunk_metadata(self, chunks: Sequence[Chunk], content_hashes: Sequence[str]) -> None:
        """Refresh governance metadata (title, review date…) of chunks whose text did not change."""
        for start in range(0, len(chunks), _WRITE_BATCH):
            end = start + _WRITE_BATCH
            part = chunks[start:end]
            self.chunks.update(
                ids=[c.chunk_id for c in part],
                metadatas=[_meta_to_chroma(c, h) for c, h in zip(part, content_hashes[start:end], strict=True)],
            )

    def commit_documents(self, records: Sequence[DocRecord]) -> None:
        """The atomic step: one write after which readers see these documents' new chunks."""
        if not records:
            return
        self.manifest.upsert(
            ids=[r.doc_id for r in records],
            embeddings=[[1.0, 0.0] for _ in records],
            documents=[
                json.dumps({"chunk_ids": list(r.chunk_ids), "quarantined": list(r.quarantined)}) for r in records
            ],
            metadatas=[
                {"content_hash": r.content_hash, "n_chunks": len(r.chunk_ids), **_source_to_chroma(r.meta)}
                for r in records
            ],
        )

    def remove_document(self, doc_id: str) -> None:
        """Uncommit first, then delete its chunks: readers never see a document with missing chunks."""
        self.manifest.delete(ids=[doc_id])
        self.chunks.delete(where={"doc_id": doc_id})

    def delete_chunks(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), _WRITE_BATCH):
            self.chunks.delete(ids=ids[start : start + _WRITE_BATCH])

    def bump_version(self, to: int | None = None) -> int:
        """Make the next library version (``to``: the one derived data was already published for) visible."""
        version = self.version() + 1 if to is None else to
        self.manifest.upsert(
            ids=[_STATE_ID],
            embeddings=[[0.0, 1.0]],
            documents=["state"],
            metadatas=[{"version": version, "updated_at": time.time()}],
        )
        return version

    # --- reads -----------------------------------------------------------------------------
    def version(self) -> int:
        got = self.manifest.get(ids=[_STATE_ID], include=["metadatas"])
        if not got["ids"]:
            return 0
        return int(got["metadatas"][0].get("version", 0))

    def documents(self) -> dict[str, DocRecord]:
        """The committed documents."""
        records: dict[str, DocRecord] = {}
        for got in self._pages(self.manifest, ["documents", "metadatas"]):
            for doc_id, body, md in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                if doc_id == _STATE_ID:
                    continue
                data = json.loads(body)
                meta = _source_from_chroma(doc_id, md)
                records[doc_id] = DocRecord(
                    doc_id=doc_id,
                    content_hash=str(md.get("content_hash", "")),
                    chunk_ids=tuple(data["chunk_ids"]),
                    meta=meta,
                    quarantined=tuple(data.get("quarantined", [])),
                )
        return records

    def all_chunk_ids(self) -> set[str]:
        return {cid for got in self._pages(self.chunks, []) for cid in got["ids"]}

    def committed_chunks(self, documents: dict[str, DocRecord] | None = None) -> list[Chunk]:
        """Every chunk of every committed document, in document order (one SourceMeta per document)."""
        committed = self.documents() if documents is None else documents
        wanted = [cid for rec in committed.values() for cid in rec.chunk_ids]
        metas = {doc_id: rec.meta for doc_id, rec in committed.items()}
        chunks: dict[str, Chunk] = {}
        for start in range(0, len(wanted), self.page_size):
            got = self.chunks.get(ids=wanted[start : start + self.page_size], include=["documents", "metadatas"])
            for cid, text, md in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                chunk = _chunk_from_chroma(cid, text, md)
                shared = metas.get(chunk.doc_id)
                chunks[cid] = replace(chunk, meta=shared) if shared == chunk.meta else chunk
        return [chunks[c] for c in wanted if c in chunks]

    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """These chunks (committed or not), in the given order, read page by page."""
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), self.page_size):
            got = self.chunks.get(ids=list(ids[start : start + self.page_size]), include=["documents", "metadatas"])
            for cid, text, md in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                found[cid] = _chunk_from_chroma(cid, text, md)
        return [found[c] for c in ids if c in found]

    def query(self, vector: Sequence[float], k: int) -> list[DenseHit]:
        n = self.chunks.count()
        if n == 0:
            raise IndexNotReady("The index is empty: run `citecare ingest`.")
        got = self.chunks.query(query_embeddings=[list(vector)], n_results=min(k, n), include=["distances"])
        return [
            DenseHit(chunk_id=cid, similarity=1.0 - float(dist))
            for cid, dist in zip(got["ids"][0], got["distances"][0], strict=True)
        ]

    def count(self) -> int:
        return int(self.chunks.count())
