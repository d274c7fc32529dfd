"""A project database shaped as versions before the Alembic migrations left it in `var/`.

The shapes are those of a real old `var/brightway.db`: `handoff_digests` still has the NOT NULL
`search_text` column (search before the word index), `handoff_terms` does not exist, `handoffs`
lacks the one-active-handoff rule (so a conversation can have two open handoffs), and there is
no `alembic_version` table.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import List, Tuple

OLD_TABLES = (
    """CREATE TABLE handoffs (
        id VARCHAR(32) NOT NULL, conversation_id VARCHAR(255) NOT NULL, channel VARCHAR(32) NOT NULL,
        customer VARCHAR(255) NOT NULL, reason VARCHAR(64) NOT NULL, frustration_score FLOAT NOT NULL,
        signals TEXT NOT NULL, status VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL,
        claimed_at DATETIME, claimed_by VARCHAR(255), first_human_reply_at DATETIME, escalated_at DATETIME,
        escalation_count INTEGER NOT NULL, desk_thread VARCHAR(255), relayed_events INTEGER NOT NULL,
        resolved_at DATETIME, resolved_by VARCHAR(255), resolution_note TEXT, transcript TEXT NOT NULL,
        PRIMARY KEY (id))""",
    "CREATE INDEX ix_handoffs_conversation_id ON handoffs (conversation_id)",
    "CREATE INDEX ix_handoffs_status ON handoffs (status)",
    "CREATE INDEX ix_handoffs_reason ON handoffs (reason)",
    "CREATE INDEX ix_handoffs_created_at ON handoffs (created_at)",
    "CREATE INDEX ix_handoffs_desk_thread ON handoffs (desk_thread)",
    "CREATE INDEX ix_handoffs_channel ON handoffs (channel)",
    """CREATE TABLE handoff_digests (
        handoff_id VARCHAR(32) NOT NULL, search_text TEXT NOT NULL, customer_messages INTEGER NOT NULL,
        PRIMARY KEY (handoff_id))""",
    """CREATE TABLE handoff_intents (
        handoff_id VARCHAR(32) NOT NULL, intent VARCHAR(255) NOT NULL, PRIMARY KEY (handoff_id, intent))""",
    "CREATE INDEX ix_handoff_intents_intent ON handoff_intents (intent)",
    """CREATE TABLE review_users (
        username VARCHAR(64) NOT NULL, role VARCHAR(16) NOT NULL, password_hash VARCHAR(255) NOT NULL,
        created_at DATETIME NOT NULL, PRIMARY KEY (username))""",
)

# (id, conversation, status, created at, customer's words): c-2 has two active handoffs.
OLD_HANDOFFS: Tuple[Tuple[str, str, str, str, str], ...] = (
    ("H-RESOLVED", "c-1", "resolved", "2026-11-20 09:00:00.000000", "my parcel is lost"),
    ("H-OLDER", "c-2", "open", "2026-11-21 10:00:00.000000", "the kettle leaks"),
    ("H-NEWER", "c-2", "claimed", "2026-11-21 11:00:00.000000", "kettle still leaking, useless!!!"),
)


def transcript(words: str) -> str:
    """A stored transcript (JSON) in which the customer says `words`."""
    return json.dumps([
        {"role": "customer", "text": words, "at": "2026-11-20T09:00:00+00:00", "intent": "complaint",
         "confidence": 0.99, "frustration": 0.9},
        {"role": "bot", "text": "Handing you over to a person now.", "at": "2026-11-20T09:00:01+00:00"},
    ])


def build_pre_migration_store(path: Path) -> str:
    """Write an old-version database at `path` holding `OLD_HANDOFFS`; return its SQLAlchemy URL.

    H-RESOLVED has a digest in the old shape; the other two were never digested.
    """
    connection = sqlite3.connect(path)
    with connection:
        for statement in OLD_TABLES:
            connection.execute(statement)
        for handoff_id, conversation, status, created_at, words in OLD_HANDOFFS:
            connection.execute(
                "INSERT INTO handoffs (id, conversation_id, channel, customer, reason, frustration_score, signals,"
                " status, created_at, escalation_count, relayed_events, transcript)"
                " VALUES (?, ?, 'rest', ?, 'frustration', 0.9, '[]', ?, ?, 0, 0, ?)",
                (handoff_id, conversation, conversation, status, created_at, transcript(words)),
            )
        connection.execute(
            "INSERT INTO handoff_digests (handoff_id, search_text, customer_messages) VALUES (?, ?, 1)",
            ("H-RESOLVED", "my parcel is lost"),
        )
        connection.execute("INSERT INTO handoff_intents (handoff_id, intent) VALUES ('H-RESOLVED', 'complaint')")
    connection.close()
    return f"sqlite:///{path}"


def table_columns(path: Path, table: str) -> List[str]:
    """Column names of `table` in the SQLite file at `path`."""
    connection = sqlite3.connect(path)
    try:
        return [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    finally:
        connection.close()
