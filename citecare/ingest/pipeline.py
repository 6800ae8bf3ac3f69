"""Sources → chunks → vectors → index, embedding only what changed.

Order of writes per document: new chunks, then the manifest entry (the commit), then stale chunks
are deleted. Readers follow the manifest, so they never see a half-ingested document; a killed run
leaves orphan chunks that the next run's garbage collection removes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from citecare.config import Settings
from citecare.errors import LoadError
from citecare.ingest.chunking import chunk_document
from citecare.ingest.loaders import SUPPORTED_SUFFIXES, content_hash, load_document
from citecare.ingest.sources import SourceEntry, doc_id_for, load_external_manifest, load_manifest, meta_for
from citecare.protocols import Embedder
from citecare.store.artefacts import ArtefactStore
from citecare.store.chroma import ChromaIndex, DocRecord
from citecare.store.chroma_artefacts import artefact_store
from citecare.store.sentences import SentenceVectors
from citecare.store.snapshot import LIBRARY_ARTEFACT, publish_library
from citecare.types import Chunk, Document, SourceMeta

_SKIPPED_NAMES = {"readme.md", "readme.txt", "readme", "license", "license.txt", "licence.txt"}

ProgressFn = Callable[[int, int, str], None]
# Chunks embedded per call: big enough for efficient batches, small enough that a killed run loses little.
_EMBED_GROUP = 1024


@dataclass
class _Pending:
    doc: Document
    previous: DocRecord | None
    chunks: list[Chunk]


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, sentence)
    chunks_embedded: int = 0
    sentences_embedded: int = 0
    chunks_total: int = 0
    orphans_removed: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def summary(self) -> dict[str, object]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "failed": len(self.failed),
            "chunks_embedded": self.chunks_embedded,
            "sentences_embedded": self.sentences_embedded,
            "chunks_total": self.chunks_total,
            "quarantined_sentences": len(self.quarantined),
            "seconds": round(self.seconds, 2),
        }


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Supported documents under the given files/folders, in a stable order."""
    found: dict[Path, None] = {}
    for path in paths:
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for p in candidates:
            if p.name.startswith(".") or p.name.lower() in _SKIPPED_NAMES:
                continue
            if p.suffix.lower() in SUPPORTED_SUFFIXES or path.is_file():
                found[p.resolve()] = None
    return list(found)


def _unique_doc_ids(files: Sequence[Path]) -> dict[Path, str]:
    ids: dict[Path, str] = {}
    used: dict[str, Path] = {}
    for f in files:
        base = doc_id_for(f)
        doc_id, n = base, 2
        while doc_id in used:
            doc_id, n = f"{base}-{n}", n + 1
        used[doc_id] = f
        ids[f] = doc_id
    return ids


def _quarantine(chunks: list[Chunk]) -> list[Chunk]:
    """Mark source sentences that must never reach a patient (see safety.source_check)."""
    from citecare.safety.source_check import flag_source_sentence
    from citecare.text import split_sentences

    marked: list[Chunk] = []
    for chunk in chunks:
        bad = tuple(s for s in split_sentences(chunk.text) if flag_source_sentence(s))
        marked.append(replace(chunk, quarantined=bad) if bad else chunk)
    return marked


DerivedPublisher = Callable[[ArtefactStore, int, Sequence[Chunk]], None]


class Ingestor:
    """Keeps the index in step with a set of source files.

    ``derived``: more artefacts to publish for each new version, before it becomes visible (the CLI adds
    the lexicon, which lives in `answer`), so replicas picking up the version never rebuild them.
    """

    def __init__(
        self, settings: Settings, embedder: Embedder, index: ChromaIndex, artefacts: ArtefactStore | None = None,
        derived: Sequence[DerivedPublisher] = (),
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.index = index
        self.artefacts: ArtefactStore = artefacts or artefact_store(settings, index)
        self.derived = tuple(derived)
        self.sentences = SentenceVectors(self.artefacts)
        self._refreshed = False

    def run(
        self,
        paths: Sequence[Path] | None = None,
        *,
        prune: bool = False,
        progress: ProgressFn | None = None,
        manifests: Sequence[Path] = (),
    ) -> IngestReport:
        """Ingest the given files/folders (default: the corpus folder). ``manifests``: external CSV/JSONL
        manifests whose rows give titles, links, publishers, licences and review dates (they win over
        ingest/sources.toml for the files they list)."""
        started = time.perf_counter()
        roots = [Path(p).resolve() for p in (paths or [self.settings.corpus_dir])]
        manifest = load_manifest(self.settings.sources_file)
        for extra in manifests:
            manifest |= load_external_manifest(extra)
        files = collect_files(roots)
        doc_ids = _unique_doc_ids(files)
        committed = self.index.documents()
        report = IngestReport()
        self._refreshed = False

        pending: list[_Pending] = []
        for i, path in enumerate(files, start=1):
            if progress:
                progress(i, len(files), path.name)
            item = self._prepare(path, doc_ids[path], manifest.get(path.name), committed.get(doc_ids[path]), report)
            if item is not None:
                pending.append(item)
            if sum(len(p.chunks) for p in pending) >= _EMBED_GROUP:
                self._flush(pending, report)
        self._flush(pending, report)
        report.sentences_embedded += self._complete_sentence_vectors()

        seen = set(doc_ids.values())
        for doc_id, record in committed.items():
            if doc_id in seen:
                continue
            if prune or _under_any(Path(record.meta.path), roots):
                self.index.remove_document(doc_id)
                report.removed.append(doc_id)

        changed = report.added or report.updated or report.removed or self._refreshed
        live = sum(len(rec.chunk_ids) for rec in committed.values())
        if changed or self.index.count() != live:  # a killed run leaves chunks no document owns
            report.orphans_removed = self._collect_garbage()
        if changed or report.orphans_removed or not self._derived_current():
            self._publish_derived()
        report.chunks_total = self.index.count()
        report.seconds = time.perf_counter() - started
        return report

    def _prepare(
        self,
        path: Path,
        doc_id: str,
        entry: SourceEntry | None,
        previous: DocRecord | None,
        report: IngestReport,
    ) -> _Pending | None:
        """Load and chunk a new or changed document; None when it is unchanged or unreadable."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            report.failed.append((str(path), f"cannot read file: {exc.strerror or exc}"))
            return None

        digest = content_hash(raw)
        if previous and previous.content_hash == digest:
            meta = meta_for(path, doc_id, entry, previous.meta.title)
            if meta.title == previous.meta.title:
                if meta != previous.meta:
                    self._refresh_metadata(previous, meta)
                report.unchanged.append(doc_id)
                return None
        try:
            # An empty title lets the loader take it from the file itself.
            provisional = replace(meta_for(path, doc_id, entry, ""), title=entry.title if entry else "")
            doc = load_document(path, provisional)
            doc = replace(doc, meta=meta_for(path, doc_id, entry, doc.meta.title))
        except LoadError as exc:
            report.failed.append((str(path), str(exc)))
            return None
        except Exception as exc:  # a loader library choking on a malformed file must not stop the run
            report.failed.append((str(path), f"could not be read ({type(exc).__name__})"))
            return None
        chunks = chunk_document(
            doc,
            self.embedder.count_tokens,
            chunk_tokens=self.settings.chunk_tokens,
            overlap_tokens=self.settings.chunk_overlap_tokens,
        )
        return _Pending(doc, previous, _quarantine(chunks))

    def _flush(self, pending: list[_Pending], report: IngestReport) -> None:
        """Embed the new chunks of several documents in one call, then commit those documents together.

        Chunks are written before the manifest entries that make them visible, so a reader (or a
        killed run) never sees part of a document; stale chunks are deleted only after the commit.
        """
        if not pending:
            return
        chunks = [c for item in pending for c in item.chunks]
        have = self.index.existing_chunk_ids([c.chunk_id for c in chunks])
        fresh = [c for c in chunks if c.chunk_id not in have]
        t0 = time.perf_counter()
        vectors = self.embedder.embed_documents([c.embedding_text() for c in fresh])
        # The sentences an answer may quote, embedded now so no patient waits for them later.
        report.sentences_embedded += self.sentences.embed_and_store(fresh, self.embedder)
        report.embed_seconds += time.perf_counter() - t0
        hashes = {item.doc.doc_id: item.doc.content_hash for item in pending}
        self.index.upsert_chunks(fresh, vectors, [hashes[c.doc_id] for c in fresh])
        kept = [c for c in chunks if c.chunk_id in have]
        if kept:
            self.index.update_chunk_metadata(kept, [hashes[c.doc_id] for c in kept])
        records = []
        stale: set[str] = set()
        for item in pending:
            ids = tuple(c.chunk_id for c in item.chunks)
            quarantined = tuple(q for c in item.chunks for q in c.quarantined)
            records.append(DocRecord(item.doc.doc_id, item.doc.content_hash, ids, item.doc.meta, quarantined))
            if item.previous:
                stale |= set(item.previous.chunk_ids) - set(ids)
            report.quarantined.extend((item.doc.doc_id, q) for q in quarantined)
            (report.updated if item.previous else report.added).append(item.doc.doc_id)
        self.index.commit_documents(records)
        self.index.delete_chunks(stale)
        self.sentences.delete(stale)
        report.chunks_embedded += len(fresh)
        pending.clear()

    def _refresh_metadata(self, previous: DocRecord, meta: SourceMeta) -> None:
        chunks = self.index.get_chunks(previous.chunk_ids)
        chunks = [replace(c, meta=meta) for c in chunks]
        self.index.update_chunk_metadata(chunks, [previous.content_hash] * len(chunks))
        self.index.commit_documents([replace(previous, meta=meta)])
        self._refreshed = True

    def _complete_sentence_vectors(self) -> int:
        """Chunks without sentence vectors get them: an index ingested before they were keyed by fingerprint, or
        a run killed between storing chunks and their vectors. Their old position-keyed vectors go."""
        live = {cid for rec in self.index.documents().values() for cid in rec.chunk_ids}
        missing = sorted(live - self.sentences.stored_ids())
        embedded = 0
        for start in range(0, len(missing), _EMBED_GROUP):
            embedded += self.sentences.embed_and_store(self.index.get_chunks(missing[start:start + _EMBED_GROUP]),
                                                       self.embedder)
        self.sentences.drop_legacy()
        return embedded

    def _collect_garbage(self) -> int:
        live = {cid for rec in self.index.documents().values() for cid in rec.chunk_ids}
        orphans = self.index.all_chunk_ids() - live
        self.index.delete_chunks(orphans)
        self.sentences.delete(self.sentences.stored_ids() - live)
        return len(orphans)

    def _derived_current(self) -> bool:
        return self.artefacts.fetch(LIBRARY_ARTEFACT, self.index.version()) is not None

    def _publish_derived(self) -> None:
        """The chunk table and BM25 index of the next version first, then that version: a replica that sees
        the new version finds them published (on the Chroma server when there is one) and starts from them."""
        version = self.index.version() + 1
        chunks = self.index.committed_chunks()
        publish_library(self.artefacts, version, chunks)
        for publish in self.derived:
            publish(self.artefacts, version, chunks)
        self.index.bump_version(to=version)


def _under_any(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)
