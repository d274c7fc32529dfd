"""The channels' SQLAlchemy engine: the project's engine, tuned for SQLite's many small writes.

Every webhook claims its delivery id with one small transaction. On SQLite, WAL journaling with
synchronous=NORMAL makes that ~3 ms instead of ~15 ms (one fsync per checkpoint, not per commit),
and a pooled connection avoids re-opening the file each time.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.records.database import create_database_engine, create_sqlite_engine_for_small_writes, sqlite_file_path


def open_channel_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, synchronous=NORMAL and a connection pool."""
    if sqlite_file_path(url) is None:
        return create_database_engine(url)
    return create_sqlite_engine_for_small_writes(url)
