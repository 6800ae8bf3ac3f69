"""Fixtures of the end-to-end tier that start real servers (PostgreSQL) on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers import missing_binaries, postgres_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a free loopback port (password auth); its SQLAlchemy URL."""
    missing = missing_binaries("postgresql")
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (.ci/run installs it)")
    with postgres_server() as url:
        yield url
