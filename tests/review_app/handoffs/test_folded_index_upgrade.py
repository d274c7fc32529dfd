"""Databases whose word index predates folding (migration 0004) find their old handoffs by folded words
after `alembic upgrade head`, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import List

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from bot.handoff.store import Handoff, HandoffStore
from bot.records.database import create_database_engine
from bot.records.schema_migrations import alembic_config, head_revision, upgrade_database
from review_app.handoffs.digest import (
    HandoffDigests, handoff_digests_table, handoff_intents_table, handoff_terms_table,
)
from review_app.handoffs.queries import HandoffFilter, HandoffQueries
from tests.builders import ManualClock
from tests.review_app.sample_conversations import frustrated_conversation, open_handoff

BEFORE_FOLDING = "0003"


def index_as_before_folding(engine: Engine, handoff: Handoff) -> None:
    """Write the digest the code before folding wrote for a handoff whose customer said 'Zoë, CAFÉ'."""
    with engine.begin() as connection:
        connection.execute(handoff_digests_table.insert(), [{"handoff_id": handoff.id, "customer_messages": 2}])
        connection.execute(handoff_terms_table.insert(), [
            {"handoff_id": handoff.id, "term": term} for term in ("zoë", "café", "order", "handing")
        ])
        connection.execute(handoff_intents_table.insert(), [{"handoff_id": handoff.id, "intent": "order_status"}])


def searched(engine: Engine, search: str) -> List[str]:
    """References of the handoffs a search finds."""
    return [handoff.id for handoff in HandoffQueries(engine).rows(HandoffFilter(search=search))]


def intents(engine: Engine) -> List[str]:
    """Every intent the digests hold."""
    with engine.connect() as connection:
        return list(connection.execute(sa.select(handoff_intents_table.c.intent)).scalars())


def test_an_index_from_before_folding_is_rebuilt_folded(empty_database_url: str, clock: ManualClock) -> None:
    command.upgrade(alembic_config(empty_database_url), BEFORE_FOLDING)
    engine = create_database_engine(empty_database_url)
    handoff = open_handoff(HandoffStore(engine, clock), "c-1", frustrated_conversation(clock.now, last="Zoë, CAFÉ"))
    index_as_before_folding(engine, handoff)
    assert searched(engine, "zoe") == []

    upgrade = upgrade_database(empty_database_url)

    assert upgrade is not None and (upgrade.from_revision, upgrade.to_revision) == (BEFORE_FOLDING, head_revision())
    assert HandoffDigests(engine).sync() == 1
    assert searched(engine, "zoe") == searched(engine, "CAFE") == searched(engine, "Zoë") == [handoff.id]
    assert intents(engine) == ["order_status"]
    engine.dispose()


def test_downgrading_leaves_an_index_the_older_code_rebuilds(empty_database_url: str, clock: ManualClock) -> None:
    upgrade_database(empty_database_url)
    engine = create_database_engine(empty_database_url)
    open_handoff(HandoffStore(engine, clock), "c-1", frustrated_conversation(clock.now, last="Zoë, CAFÉ"))
    HandoffDigests(engine).sync()

    command.downgrade(alembic_config(empty_database_url), BEFORE_FOLDING)

    with engine.connect() as connection:
        rows = [connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in (handoff_digests_table, handoff_terms_table, handoff_intents_table)]
    assert rows == [0, 0, 0]
    engine.dispose()
