"""Pytest fixtures with real PostgreSQL and Redis servers (tests/local_services.py) on loopback.

Import the fixtures a test module needs by name; they skip, saying what to install, only when the
server programs are absent (`make test` installs them through scripts/install_system_packages.sh).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator, Union

import pytest

from tests.local_services import PostgresServer, RedisServer, make_service_root, missing_binaries


def skip_if_missing(name: str) -> None:
    """Skip the test, saying what to install, when a server program is absent."""
    missing = [binary for binary in missing_binaries() if name in binary]
    if missing:
        pytest.skip(f"{missing[0]} is not installed: run scripts/install_system_packages.sh")


@pytest.fixture(scope="session")
def service_root() -> Iterator[Path]:
    """A temporary folder for the servers' files, removed at the end of the run."""
    root = make_service_root()
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _running(server: Union[PostgresServer, RedisServer]) -> Iterator[Any]:
    """Start `server`, hand it to the test, stop it afterwards."""
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server(service_root: Path) -> Iterator[RedisServer]:
    """A Redis server for the whole run (tests that restart it use their own)."""
    skip_if_missing("redis-server")
    yield from _running(RedisServer(service_root / "shared"))


@pytest.fixture(scope="session")
def postgres_server(service_root: Path) -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole run (tests that restart it use their own)."""
    skip_if_missing("PostgreSQL")
    yield from _running(PostgresServer(service_root / "shared"))


@pytest.fixture
def own_redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server for one test that may stop or restart it."""
    skip_if_missing("redis-server")
    yield from _running(RedisServer(tmp_path))


@pytest.fixture(scope="module")
def own_postgres_server(service_root: Path, request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """A PostgreSQL server for one test module whose tests stop or restart it."""
    skip_if_missing("PostgreSQL")
    yield from _running(PostgresServer(service_root / request.module.__name__.rsplit(".", 1)[-1]))
