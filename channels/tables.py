"""The channels' own tables, on the project's shared SQLAlchemy metadata."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.records.database import metadata

ttl_entries = sa.Table(
    "channel_ttl_entries",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

failed_deliveries = sa.Table(
    "failed_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
)

sms_opt_outs = sa.Table(
    "sms_opt_outs",
    metadata,
    sa.Column("phone", sa.String(32), primary_key=True),
    sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=False),
)

CHANNEL_TABLES = (ttl_entries, failed_deliveries, sms_opt_outs)


def create_channel_tables(engine: Engine) -> None:
    """Create the channels' tables that do not exist yet (idempotent)."""
    metadata.create_all(engine, tables=list(CHANNEL_TABLES))
