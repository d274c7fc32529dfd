"""Tests for bot/server/local_lock_store.py: Rasa's ticket order kept, waiting in short steps."""

from __future__ import annotations

import asyncio
from typing import List

import pytest
from rasa.core import lock_store as rasa_lock_store
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.server.local_lock_store import DEFAULT_POLL_SECONDS, QuickPollInMemoryLockStore


def test_endpoints_yml_entry_builds_it_with_its_poll() -> None:
    store = LockStore.create(EndpointConfig(type="bot.server.local_lock_store.QuickPollInMemoryLockStore", poll_seconds=0.02))
    assert isinstance(store, QuickPollInMemoryLockStore) and store.poll_seconds == 0.02
    assert QuickPollInMemoryLockStore().poll_seconds == DEFAULT_POLL_SECONDS


def test_a_poll_that_is_not_positive_is_refused() -> None:
    with pytest.raises(ValueError, match="poll_seconds must be positive"):
        QuickPollInMemoryLockStore(poll_seconds=-1)


def test_messages_take_turns_in_arrival_order_and_waiters_poll_in_short_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: List[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(seconds: float) -> None:
        waits.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(rasa_lock_store.asyncio, "sleep", recording_sleep)
    store = QuickPollInMemoryLockStore(poll_seconds=0.005)
    order: List[str] = []

    async def turn(name: str, work_steps: int) -> None:
        async with store.lock("conversation-1"):
            order.append(f"{name} starts")
            for _ in range(work_steps):
                await real_sleep(0)
            order.append(f"{name} ends")

    async def scenario() -> None:
        first = asyncio.ensure_future(turn("first", 20))
        await real_sleep(0)
        await asyncio.gather(first, turn("second", 1), turn("third", 1))

    asyncio.run(scenario())
    assert order == ["first starts", "first ends", "second starts", "second ends", "third starts", "third ends"]
    assert waits and set(waits) == {0.005}
    assert store.conversation_locks == {}
