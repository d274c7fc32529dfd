"""Per-chat pacing with a fake clock: a short burst, then one message per interval, per chat."""

from __future__ import annotations

import asyncio

import pytest

from channels.pacing import ChatPacer
from tests.fakes.clock import FakeClock


def test_burst_then_one_per_second():
    clock = FakeClock()
    pacer = ChatPacer(rate_per_s=1.0, burst=3, clock=clock)

    async def send_five():
        sent_at = []
        for _ in range(5):
            await pacer.wait_turn("chat-1")
            sent_at.append(clock.monotonic())
        return sent_at

    assert asyncio.run(send_five()) == [0.0, 0.0, 0.0, 1.0, 2.0]


def test_chats_are_paced_independently():
    clock = FakeClock()
    pacer = ChatPacer(rate_per_s=1.0, burst=1, clock=clock)

    async def scenario():
        await pacer.wait_turn("a")
        await pacer.wait_turn("b")
        await pacer.wait_turn("a")

    asyncio.run(scenario())
    assert clock.sleeps == [1.0]


def test_idle_chats_start_a_fresh_burst():
    clock = FakeClock()
    pacer = ChatPacer(rate_per_s=1.0, burst=2, clock=clock)

    async def scenario():
        for _ in range(3):
            await pacer.wait_turn("a")
        clock.advance(10)
        for _ in range(2):
            await pacer.wait_turn("a")

    asyncio.run(scenario())
    assert clock.sleeps == [1.0]


def test_concurrent_senders_keep_their_slots():
    clock = FakeClock()
    pacer = ChatPacer(rate_per_s=2.0, burst=1, clock=clock)

    async def scenario():
        await asyncio.gather(*[pacer.wait_turn("a") for _ in range(3)])

    asyncio.run(scenario())
    assert clock.sleeps == [0.5, 0.5]
    assert clock.monotonic() == 1.0


def test_invalid_rates_are_refused():
    with pytest.raises(ValueError):
        ChatPacer(rate_per_s=0, burst=1, clock=FakeClock())
