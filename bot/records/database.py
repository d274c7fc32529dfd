"""One SQLAlchemy engine and schema for the project's own records (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

metadata = sa.MetaData()
SQLITE_FILE_PREFIX = "sqlite:///"

class SchemaOutdatedError(RuntimeError):
    """The database was made by a different version of the code; the message says what to run."""


def sqlite_file_path(url: str) -> Optional[Path]:
    """The file a `sqlite:///` URL names; None for other databases and for in-memory SQLite."""
    if not url.startswith(SQLITE_FILE_PREFIX):
        return None
    path = url[len(SQLITE_FILE_PREFIX):]
    return None if path in ("", ":memory:") else Path(path)


def create_database_engine(url: str) -> Engine:
    """Create an engine for `url`: a SQLite file (its folder made if missing) as
    `create_sqlite_engine_for_small_writes` opens it, any other database with a checked pool.

    Every service writes its records (handoffs, tickets, feedback, NPS, dedupe) as small
    transactions while a customer waits, so SQLite files get the same WAL set-up everywhere.
    """
    if sqlite_file_path(url) is not None:
        return create_sqlite_engine_for_small_writes(url)
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def create_sqlite_engine_for_small_writes(url: str, future: bool = True) -> Engine:
    """A pooled engine for a SQLite file written by many small transactions (one per message).

    WAL journaling with synchronous=NORMAL syncs to disk at checkpoints instead of at every
    commit (a power cut or OS crash can lose the last commits but never corrupts the file; a
    crash of the process loses nothing), and a connection pool avoids re-opening the file for
    every transaction as SQLAlchemy 1.4 does by default.
    """
    sqlite_file = sqlite_file_path(url)
    if sqlite_file is None:
        raise ValueError(f"Not a SQLite file URL: {url!r}")
    sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        future=future,
        poolclass=QueuePool,
        pool_size=4,
        connect_args={"timeout": 30, "check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _use_write_ahead_log)
    return engine


def _use_write_ahead_log(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
