"""Session fixtures: the real embedding model and real indexes are built once per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from citecare.config import PROJECT_ROOT, Settings
from citecare.store.embedder import SentenceTransformerEmbedder, set_offline_env

set_offline_env()

E2E_DIR = Path(__file__).resolve().parent / "e2e"
# Fixtures that load the real model or build real indexes: only the e2e tier may use them.
REAL_FIXTURES = frozenset({"embedder", "seed_settings", "seed_engine", "extdata_settings", "extdata_engine"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests under tests/e2e form the `e2e` tier (`pytest -m e2e`); unit tests may not touch the real parts."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
        elif REAL_FIXTURES & set(getattr(item, "fixturenames", ())):
            raise pytest.UsageError(f"{item.nodeid} is a unit test but uses a real-model fixture: move it to tests/e2e")

SEED_DOC = PROJECT_ROOT / "corpus" / "immunosuppressants-and-chronic-pain.txt"
EXTDATA = PROJECT_ROOT.parent / "shared" / "extdata"
EXTDATA_MISSING = "../shared/extdata is absent beside the clone (it holds the external NIH/NLM data set)"


def make_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings isolated in a temp folder (no .env, no environment leaking in)."""
    base = {
        "index_dir": tmp / "index",
        "corpus_dir": PROJECT_ROOT / "corpus",
        "sources_file": PROJECT_ROOT / "ingest" / "sources.toml",
        "ratings_db": tmp / "ratings.sqlite3",
        "chroma_url": None,
        "llm": "none",
        "educator_username": None,
        "educator_password": None,
    }
    base.update(overrides)
    return Settings(_env_file=None, **base)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The real all-MiniLM-L6-v2, loaded once."""
    emb = SentenceTransformerEmbedder(Settings(_env_file=None).embedding_model, threads=2)  # type: ignore[call-arg]
    emb.embed_query("warm up")
    return emb


def _ingest(settings: Settings, embedder: SentenceTransformerEmbedder, paths: list[Path] | None = None,
            manifests: tuple[Path, ...] = ()) -> None:
    from citecare.ingest.pipeline import Ingestor
    from citecare.store.chroma import ChromaIndex

    index = ChromaIndex.from_settings(settings, embedder)
    report = Ingestor(settings, embedder, index).run(paths, manifests=manifests)
    assert not report.failed, report.failed


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Settings:
    """A temp index ingested from the product's corpus/ (the seed document)."""
    settings = make_settings(tmp_path_factory.mktemp("seed"))
    _ingest(settings, embedder)
    return settings


@pytest.fixture(scope="session")
def seed_engine(seed_settings: Settings, embedder: SentenceTransformerEmbedder):  # type: ignore[no-untyped-def]
    """The real ChatEngine on the seed index."""
    from citecare.engine import ChatEngine
    from citecare.store.snapshot import ChromaLibrary

    return ChatEngine(seed_settings, embedder, ChromaLibrary.from_settings(seed_settings, embedder))


@pytest.fixture(scope="session")
def extdata_settings(tmp_path_factory: pytest.TempPathFactory, embedder: SentenceTransformerEmbedder) -> Settings:
    """A separate index of ../shared/extdata/docs plus the seed (built once; ~2 minutes), with the data set's own
    manifest so citations carry their real links, publishers and licences."""
    if not (EXTDATA / "docs").is_dir():
        pytest.skip(EXTDATA_MISSING)
    cached = os.environ.get("CITECARE_TEST_EXTDATA_INDEX")
    if cached and Path(cached).is_dir():
        return make_settings(Path(cached).parent, index_dir=Path(cached))
    settings = make_settings(tmp_path_factory.mktemp("extdata"))
    _ingest(settings, embedder, [EXTDATA / "docs", SEED_DOC], (EXTDATA / "docs_manifest.jsonl",))
    return settings


@pytest.fixture(scope="session")
def extdata_engine(extdata_settings: Settings, embedder: SentenceTransformerEmbedder):  # type: ignore[no-untyped-def]
    from citecare.engine import ChatEngine
    from citecare.store.snapshot import ChromaLibrary

    return ChatEngine(extdata_settings, embedder, ChromaLibrary.from_settings(extdata_settings, embedder))


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of corpus/ for tests that change files."""
    dest = tmp_path / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", dest)
    yield dest
