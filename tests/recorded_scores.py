"""Reads NPS scores straight from the table, so tests check what was stored, not a store's reading of it."""

from __future__ import annotations

from typing import List

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.records.nps_store import nps_scores_table


def scores_for_conversation(engine: Engine, conversation_id: str) -> List[int]:
    """Scores given in one conversation, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(nps_scores_table.c.score)
            .where(nps_scores_table.c.conversation_id == conversation_id)
            .order_by(nps_scores_table.c.id)
        ).all()
    return [row.score for row in rows]
