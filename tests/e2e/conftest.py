"""Fixtures of the end-to-end tier that start real servers (PostgreSQL) on loopback."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from tests.servers import postgres_server, require_binaries


@pytest.fixture(scope="session")
def postgres_cluster_url() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a free loopback port (password auth), started once per session."""
    require_binaries("postgresql")
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_cluster_url: str) -> str:
    """A fresh, empty database on the session's cluster; its SQLAlchemy URL.

    One database per test, so no test sees another's rows (or a schema it did not create), whatever the order.
    """
    import psycopg

    name = f"citecare_{secrets.token_hex(6)}"
    with psycopg.connect(postgres_cluster_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres_cluster_url.rsplit("/", 1)[0] + f"/{name}"
