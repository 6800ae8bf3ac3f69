"""The server-held `ArtefactStore`: derived data kept in the Chroma server, so every replica gets it there.

With ``CITECARE_CHROMA_URL`` set, replicas on several machines share nothing but the Chroma server (and
the ratings database): no replica reads another's disk. Derived data therefore lives in the server too,
in two more collections of the index:

- ``<collection>__artefacts``: each published version of an artefact (the chunk table + BM25 index, the
  lexicon) as one gzip'd tar, base64-encoded in 4 MB metadata strings ("parts"), plus an entry that names
  the parts and their SHA-256. The entry is written last, so a reader never assembles half an upload; two
  writers of the same version (two replicas meeting it at once) upload under different tokens and the
  last entry wins whole. Documents are not used for the parts: Chroma full-text-indexes documents, which
  made a 30 MB upload ~25x slower than in metadata (measured, see README "Scaling out").
- ``<collection>__records``: the per-chunk records (sentence vectors), one record per id, base64 metadata.

Every replica keeps a local cache (a `LocalArtefactStore` in its own index folder): a version is
downloaded once, unpacked there and memory-mapped like a local one; records never change (chunk ids are
content hashes), so a record read once is read locally after. At 100k chunks, fetching the library
artefact from the server took ~3 s where rebuilding it from the server's chunks took ~42 s.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
import tarfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from citecare.config import Settings
from citecare.store.artefacts import ArtefactStore, LocalArtefactStore
from citecare.store.chroma import ChromaIndex

PART_CHARS = 4 << 20  # base64 characters per part: one Chroma request each
_KEEP_VERSIONS = 3
_PLACEHOLDER = [1.0, 0.0]  # these records are found by id, never by similarity


def artefact_store(settings: Settings, index: ChromaIndex) -> ArtefactStore:
    """The store for this index: server-held when the index is on a Chroma server, else on local disk."""
    local = LocalArtefactStore.from_settings(settings)
    return ChromaArtefactStore(index, cache=local) if settings.chroma_url else local


def _pack(folder: Path) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != ".complete":
                tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return buf.getvalue()


def _unpack(data: bytes, folder: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(folder, filter="data")  # "data": no absolute paths, links or devices from the archive


class ChromaArtefactStore:
    """Versioned artefacts and chunk records in the Chroma server, with a local read cache."""

    def __init__(self, index: ChromaIndex, cache: LocalArtefactStore) -> None:
        self.cache = cache
        self.page_size = index.page_size
        self.artefacts = index.side_collection("artefacts")
        self.records = index.side_collection("records")

    # --- versioned artefacts ---------------------------------------------------------------
    @staticmethod
    def _entry_id(name: str, version: int) -> str:
        return f"{name}@{version}"

    def fetch(self, name: str, version: int) -> Path | None:
        cached = self.cache.fetch(name, version)
        if cached is not None:
            return cached
        got = self.artefacts.get(ids=[self._entry_id(name, version)], include=["metadatas"])
        if not got["ids"]:
            return None
        entry = got["metadatas"][0]
        part_ids = [f"{entry['token']}#{i}" for i in range(int(entry["parts"]))]
        texts: dict[str, str] = {}
        for start in range(0, len(part_ids), 4):  # a few 4 MB parts per request
            part = self.artefacts.get(ids=part_ids[start : start + 4], include=["metadatas"])
            texts.update((pid, md["data"]) for pid, md in zip(part["ids"], part["metadatas"], strict=True))
        if len(texts) != len(part_ids):
            return None  # pruned while we read: the caller falls back as if it was never published
        data = base64.b64decode("".join(texts[pid] for pid in part_ids))
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise ValueError(f"artefact {name} v{version} on the Chroma server is corrupt (checksum mismatch)")
        return self.cache.publish(name, version, lambda folder: _unpack(data, folder))

    def publish(self, name: str, version: int, fill: Callable[[Path], None]) -> Path:
        folder = self.cache.publish(name, version, fill)
        data = _pack(folder)
        text = base64.b64encode(data).decode("ascii")
        token = f"{self._entry_id(name, version)}:{secrets.token_hex(4)}"
        parts = [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]
        for i, part in enumerate(parts):
            self.artefacts.upsert(
                ids=[f"{token}#{i}"], embeddings=[_PLACEHOLDER],
                metadatas=[{"artefact": name, "version": version, "token": token, "data": part}],
            )
        self.artefacts.upsert(  # the commit: readers assemble only what an entry names
            ids=[self._entry_id(name, version)], embeddings=[_PLACEHOLDER],
            metadatas=[{"artefact": name, "version": version, "token": token, "parts": len(parts),
                        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "entry": True}],
        )
        self._prune(name, version, keep_token=token)
        return folder

    def _prune(self, name: str, newest: int, keep_token: str) -> None:
        """Drop versions older than the last few, and parts of this version no entry names."""
        self.artefacts.delete(where={"$and": [{"artefact": name}, {"version": {"$lte": newest - _KEEP_VERSIONS}}]})
        self.artefacts.delete(where={"$and": [{"artefact": name}, {"version": newest},
                                              {"token": {"$ne": keep_token}}]})

    # --- chunk records -----------------------------------------------------------------------
    @staticmethod
    def _record_id(kind: str, rid: str) -> str:
        return f"{kind}:{rid}"

    def put_records(self, kind: str, records: Mapping[str, bytes]) -> None:
        items = list(records.items())
        for start in range(0, len(items), self.page_size):
            part = items[start : start + self.page_size]
            self.records.upsert(
                ids=[self._record_id(kind, rid) for rid, _ in part],
                embeddings=[_PLACEHOLDER] * len(part),
                metadatas=[{"kind": kind, "data": base64.b64encode(data).decode("ascii")} for _, data in part],
            )
        self.cache.put_records(kind, records)

    def get_records(self, kind: str, ids: Sequence[str]) -> dict[str, bytes]:
        found = self.cache.get_records(kind, ids)
        missing = [rid for rid in dict.fromkeys(ids) if rid not in found]
        fetched: dict[str, bytes] = {}
        prefix = len(kind) + 1
        for start in range(0, len(missing), self.page_size):
            part = missing[start : start + self.page_size]
            got = self.records.get(ids=[self._record_id(kind, rid) for rid in part], include=["metadatas"])
            for gid, md in zip(got["ids"], got["metadatas"], strict=True):
                fetched[gid[prefix:]] = base64.b64decode(md["data"])
        if fetched:
            self.cache.put_records(kind, fetched)
        return {**found, **fetched}

    def delete_records(self, kind: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), self.page_size):
            self.records.delete(ids=[self._record_id(kind, rid) for rid in ids[start : start + self.page_size]])
        self.cache.delete_records(kind, ids)

    def record_ids(self, kind: str) -> Iterator[str]:
        prefix = len(kind) + 1
        offset = 0
        while True:
            got: Any = self.records.get(where={"kind": kind}, include=[], limit=self.page_size, offset=offset)
            if not got["ids"]:
                return
            yield from (gid[prefix:] for gid in got["ids"])
            if len(got["ids"]) < self.page_size:
                return
            offset += len(got["ids"])
