"""One SQLAlchemy engine and schema for the project's own records (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()


def create_database_engine(url: str) -> Engine:
    """Create an engine for `url`, making the folder of a SQLite file if it is missing."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, future=True, connect_args={"timeout": 30})
    else:
        engine = sa.create_engine(url, future=True, pool_pre_ping=True)
    return engine


def create_schema(engine: Engine) -> None:
    """Create the project's tables that do not exist yet (idempotent)."""
    import bot.conversation_index  # noqa: F401  (registers its table on `metadata`)
    import bot.feedback_store  # noqa: F401
    import bot.handoff_digest  # noqa: F401
    import bot.handoff_store  # noqa: F401
    import bot.login_throttle  # noqa: F401
    import bot.nps_store  # noqa: F401
    import bot.review_store  # noqa: F401
    import bot.ticket_store  # noqa: F401
    import bot.user_store  # noqa: F401

    metadata.create_all(engine)
