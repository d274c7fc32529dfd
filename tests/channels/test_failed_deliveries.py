"""The failed_deliveries table: what operators see when a reply never arrived."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Dict

import sqlalchemy as sa

from channels.runtime import ChannelRuntime
from tests.fakes.clock import FakeClock


def test_failures_are_stored_with_conversation_and_read_newest_first(channel_env: Dict[str, str]):
    runtime = ChannelRuntime.start(channel_env, FakeClock(start=1_700_000_000))

    async def scenario():
        await runtime.failures.record("sms", "sms:+15551234567", "first", "Twilio answered 500", 5)
        await runtime.failures.record("telegram", "telegram:42", "second", "bot was blocked", 1)
        recent = await runtime.failures.recent()
        await runtime.close()
        return recent

    recent = asyncio.run(scenario())
    assert [(f.channel, f.conversation_id, f.text, f.attempts) for f in recent] == [
        ("telegram", "telegram:42", "second", 1),
        ("sms", "sms:+15551234567", "first", 5),
    ]
    engine = sa.create_engine(channel_env["BRIGHTWAY_DB_URL"])
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT failed_at FROM failed_deliveries ORDER BY id")).scalars().all()
    engine.dispose()
    assert len(stored) == 2
    assert recent[0].failed_at.replace(tzinfo=timezone.utc) == datetime.fromtimestamp(1_700_000_000, tz=timezone.utc)
