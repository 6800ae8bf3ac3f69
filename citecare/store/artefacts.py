"""Persisted data derived from a collection's chunks, behind one small interface: `ArtefactStore`.

Two kinds of derived data, both keyed by the collection (``key``: the collection, and the Chroma server
when there is one):

- **versioned artefacts**: folders of files derived from the whole library at one index version (the
  BM25 index, the chunk table, term statistics, the vocabulary). Written once by ingest right after the
  version is bumped, never changed after; a reader asks for the version it serves (`fetch`) and gets a
  local folder it may memory-map. Old versions are pruned, keeping the last few so a reader still on the
  previous version is not pulled from under its feet.
- **chunk records**: small blobs keyed by chunk id, written at ingest beside the chunk (the vectors of a
  chunk's sentences). Chunk ids are content hashes, so a record never changes; it goes when its chunk goes.

`LocalArtefactStore` keeps both under the index folder (folders per version; records in one SQLite file,
WAL mode, safe for one writer and many readers). A server-held variant (replicas on several machines)
implements the same six methods: publish uploads a folder, fetch downloads it into a local cache folder,
records live in a shared table.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from citecare.config import Settings

_KEEP_VERSIONS = 3
_PAGE = 500


class ArtefactStore(Protocol):
    """Derived data of one collection: versioned folders and per-chunk records."""

    def fetch(self, name: str, version: int) -> Path | None:
        """A local folder holding artefact ``name`` at ``version``, or None when it was never published."""
        ...

    def publish(self, name: str, version: int, fill: Callable[[Path], None]) -> Path:
        """Make artefact ``name`` at ``version``: ``fill`` writes its files into an empty folder; readers
        see it only once complete. Returns the published folder."""
        ...

    def put_records(self, kind: str, records: Mapping[str, bytes]) -> None: ...

    def get_records(self, kind: str, ids: Sequence[str]) -> dict[str, bytes]:
        """The records found among ``ids`` (missing ones are left out)."""
        ...

    def delete_records(self, kind: str, ids: Iterable[str]) -> None: ...

    def record_ids(self, kind: str) -> Iterator[str]:
        """Every record id of a kind (read page by page)."""
        ...


def artefact_key(settings: Settings) -> str:
    """Names the collection's derived data: the collection, plus the server when one holds it."""
    if settings.chroma_url:
        digest = hashlib.sha256(f"{settings.chroma_url}|{settings.collection}".encode()).hexdigest()[:12]
        return f"remote-{digest}"
    return settings.collection


class LocalArtefactStore:
    """Artefacts in ``root/<name>/v<version>/``; records in ``root/records.sqlite3``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalArtefactStore:
        return cls(Path(settings.index_dir) / "derived" / artefact_key(settings))

    # --- versioned artefacts ---------------------------------------------------------------
    def _folder(self, name: str, version: int) -> Path:
        return self.root / name / f"v{version}"

    def fetch(self, name: str, version: int) -> Path | None:
        folder = self._folder(name, version)
        return folder if (folder / ".complete").is_file() else None

    def publish(self, name: str, version: int, fill: Callable[[Path], None]) -> Path:
        folder = self._folder(name, version)
        tmp = folder.with_name(f"{folder.name}.tmp-{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            fill(tmp)
            (tmp / ".complete").write_text(str(version))
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            tmp.rename(folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._prune(name, version)
        return folder

    def _prune(self, name: str, newest: int) -> None:
        for old in (self.root / name).glob("v*"):
            suffix = old.name[1:]
            if suffix.isdigit() and int(suffix) <= newest - _KEEP_VERSIONS:
                shutil.rmtree(old, ignore_errors=True)

    # --- chunk records -----------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.root.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.root / "records.sqlite3", check_same_thread=False, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, id TEXT NOT NULL, data BLOB NOT NULL,"
                       " PRIMARY KEY (kind, id)) WITHOUT ROWID")
            db.commit()
            self._db = db
        return self._db

    def put_records(self, kind: str, records: Mapping[str, bytes]) -> None:
        if not records:
            return
        with self._lock:
            db = self._conn()
            db.executemany("INSERT OR REPLACE INTO records (kind, id, data) VALUES (?, ?, ?)",
                           [(kind, rid, sqlite3.Binary(data)) for rid, data in records.items()])
            db.commit()

    def get_records(self, kind: str, ids: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._lock:
            db = self._conn()
            for start in range(0, len(ids), _PAGE):
                part = list(ids[start : start + _PAGE])
                marks = ",".join("?" * len(part))
                rows = db.execute(f"SELECT id, data FROM records WHERE kind = ? AND id IN ({marks})", [kind, *part])
                found.update((rid, bytes(data)) for rid, data in rows)
        return found

    def delete_records(self, kind: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._lock:
            db = self._conn()
            for start in range(0, len(ids), _PAGE):
                part = ids[start : start + _PAGE]
                db.execute(f"DELETE FROM records WHERE kind = ? AND id IN ({','.join('?' * len(part))})", [kind, *part])
            db.commit()

    def record_ids(self, kind: str) -> Iterator[str]:
        last = ""
        while True:
            with self._lock:
                rows = self._conn().execute(
                    "SELECT id FROM records WHERE kind = ? AND id > ? ORDER BY id LIMIT ?", (kind, last, _PAGE)
                ).fetchall()
            if not rows:
                return
            yield from (r[0] for r in rows)
            last = rows[-1][0]

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
