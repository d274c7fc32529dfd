"""One SQLAlchemy engine and schema for the project's own records (SQLite or PostgreSQL)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

metadata = sa.MetaData()
SQLITE_FILE_PREFIX = "sqlite:///"

# Every module that defines tables on `metadata`; the Alembic environment loads the same list.
TABLE_MODULES = (
    "review_app.conversations.index", "bot.records.feedback_store", "review_app.handoffs.digest", "bot.handoff.store",
    "review_app.accounts.login_throttle", "bot.records.nps_store", "review_app.conversations.review_notes", "bot.records.ticket_store", "review_app.accounts.user_store",
    "channels.tables",
)


class SchemaOutdatedError(RuntimeError):
    """The database was made by a different version of the code; the message says what to run."""


def sqlite_file_path(url: str) -> Optional[Path]:
    """The file a `sqlite:///` URL names; None for other databases and for in-memory SQLite."""
    if not url.startswith(SQLITE_FILE_PREFIX):
        return None
    path = url[len(SQLITE_FILE_PREFIX):]
    return None if path in ("", ":memory:") else Path(path)


def create_database_engine(url: str) -> Engine:
    """Create an engine for `url`, making the folder of a SQLite file if it is missing."""
    sqlite_file = sqlite_file_path(url)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, future=True, connect_args={"timeout": 30})
    else:
        engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    return engine


def create_sqlite_engine_for_small_writes(url: str, future: bool = True) -> Engine:
    """A pooled engine for a SQLite file written by many small transactions (one per message).

    WAL journaling with synchronous=NORMAL syncs to disk at checkpoints instead of at every
    commit (a crash can lose the last commits but never corrupts the file), and a connection
    pool avoids re-opening the file for every transaction as SQLAlchemy 1.4 does by default.
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


def load_table_definitions() -> sa.MetaData:
    """Import every table module so `metadata` holds the whole schema; returns `metadata`."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    return metadata


def create_schema(engine: Engine) -> None:
    """Make sure the database has the schema this code expects, or refuse it.

    A new database gets every table and is stamped at the newest migration; one already at the
    newest migration gets any missing table. A database made by an older version raises
    `SchemaOutdatedError`, which says how to upgrade it: code writing to an older table shape
    would fail (or, in a retry loop, hang).
    """
    from bot.records.schema_migrations import prepare_schema

    prepare_schema(engine, load_table_definitions())
