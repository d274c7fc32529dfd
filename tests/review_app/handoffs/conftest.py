"""Handoff-query fixtures: an empty database on each database the project supports."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.service_fixtures import postgres_server, service_root  # noqa: F401  (pytest fixtures)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new database without tables: a SQLite file, then (second run) a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/empty.db"
    return request.getfixturevalue("postgres_server").create_database(f"handoffs_{uuid.uuid4().hex}")
