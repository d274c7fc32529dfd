"""The one list of modules that define the project's tables, so every process sees the whole schema.

One database holds the records of the assistant, the channels and the review app, so this list
names table modules of every package (by name: the bot core never imports those packages).
`tests/bot/records/test_tables.py` fails when a module defines a table that is not listed here.
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa

from bot.records.database import metadata

TABLE_MODULES = (
    "bot.handoff.store",
    "bot.records.feedback_store",
    "bot.records.nps_store",
    "bot.records.ticket_store",
    "channels.tables",
    "review_app.accounts.login_throttle",
    "review_app.accounts.user_store",
    "review_app.conversations.index",
    "review_app.conversations.review_notes",
    "review_app.handoffs.digest",
)


def load_table_definitions() -> sa.MetaData:
    """Import every table module so `metadata` holds the whole schema; returns `metadata`."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    return metadata
