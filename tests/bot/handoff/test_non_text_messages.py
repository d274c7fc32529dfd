"""Tests for bot/handoff/non_text_messages.py on the real stores: one answer per conversation and window,
the agent's view during a handoff."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.attachments import Attachment, NonTextMessage
from bot.handoff.non_text_messages import NonTextOutcome, NonTextRule
from bot.handoff.store import HandoffStore
from bot.records.database import create_database_engine
from bot.records.schema_migrations import create_schema
from bot.settings import NonTextSettings
from channels.non_text_handover import HandoffPresence
from channels.tables import create_channel_tables
from channels.ttl_store import SqlTtlStore
from tests.fakes.clock import FakeClock

SETTINGS = NonTextSettings(answer="Text only, please. Type human for a person.", answer_again_after_minutes=5)
PHOTO = NonTextMessage("sms:+15550001111", (Attachment("photo", link="https://media.example/1.jpg"),))


def rule_on(database: Path, clock: FakeClock) -> NonTextRule:
    engine = create_database_engine(f"sqlite:///{database}")
    create_schema(engine)
    return NonTextRule(SETTINGS, SqlTtlStore(engine, clock), HandoffPresence(engine))


def test_one_answer_per_conversation_within_the_window_and_again_after_it(tmp_path: Path) -> None:
    clock = FakeClock()
    rule = rule_on(tmp_path / "db.sqlite", clock)
    other = NonTextMessage("telegram:42")

    async def scenario() -> list:
        outcomes = [await rule.outcome(PHOTO), await rule.outcome(PHOTO), await rule.outcome(other)]
        clock.advance(4 * 60)
        outcomes.append(await rule.outcome(PHOTO))
        clock.advance(60 + 1)
        outcomes.append(await rule.outcome(PHOTO))
        return outcomes

    answered = NonTextOutcome(for_customer=SETTINGS.answer)
    assert asyncio.run(scenario()) == [answered, NonTextOutcome(), answered, NonTextOutcome(), answered]


def test_during_a_handoff_the_agent_sees_it_and_the_answer_waits_until_the_bot_is_back(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite"
    rule = rule_on(database, FakeClock())
    handoffs = HandoffStore(create_database_engine(f"sqlite:///{database}"))
    handoff = handoffs.open(PHOTO.conversation_id, "sms", "+15550001111", "customer_asked", 0.0, (), [])

    during = asyncio.run(rule.outcome(PHOTO))
    handoffs.resolve(handoff.id, by="agent")
    after = asyncio.run(rule.outcome(PHOTO))

    assert during == NonTextOutcome(for_agent="[photo] https://media.example/1.jpg")
    assert after == NonTextOutcome(for_customer=SETTINGS.answer)


def test_a_database_without_the_handoffs_table_has_nobody_with_an_agent_until_it_is_created(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    create_channel_tables(engine)
    presence = HandoffPresence(engine)

    before = asyncio.run(presence.with_agent("sms:+1555"))
    create_schema(engine)
    HandoffStore(engine).open("sms:+1555", "sms", "+1555", "customer_asked", 0.0, (), [])

    assert (before, asyncio.run(presence.with_agent("sms:+1555"))) == (False, True)
