"""Run a short blocking SQLAlchemy call from async code: inline on SQLite, in a thread otherwise.

A WAL-mode SQLite statement takes well under a millisecond, less than handing it to a worker
thread on a busy 2-core server; a networked database (PostgreSQL) must not block the event loop.
"""

from __future__ import annotations

import asyncio
from typing import Callable, TypeVar

from sqlalchemy.engine import Engine

T = TypeVar("T")


async def run_sql(engine: Engine, work: Callable[[], T]) -> T:
    """The result of `work()`, run where it costs the event loop least for `engine`'s database."""
    if engine.dialect.name == "sqlite":
        return work()
    return await asyncio.to_thread(work)
