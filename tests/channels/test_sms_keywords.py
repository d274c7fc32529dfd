"""SMS keywords and numbered-button memory."""

from __future__ import annotations

import asyncio
from typing import Dict

import pytest

from channels.runtime import ChannelRuntime
from channels.sms.choices import ButtonMemory, chosen_payload, numbered_list
from channels.sms.keywords import Keyword, keyword_of
from tests.fakes.clock import FakeClock


@pytest.mark.parametrize(
    "body, keyword",
    [
        ("STOP", Keyword.OPT_OUT), (" stop ", Keyword.OPT_OUT), ("Unsubscribe.", Keyword.OPT_OUT),
        ("cancel", Keyword.OPT_OUT), ("START", Keyword.OPT_IN), ("unstop", Keyword.OPT_IN),
        ("yes", Keyword.OPT_IN), ("Help", Keyword.HELP), ("INFO", Keyword.HELP),
        ("stop sending me ads", None), ("cancel my order", None), ("help me", None), ("", None),
    ],
)
def test_keywords_match_the_whole_message_in_any_case(body: str, keyword):
    assert keyword_of(body) is keyword


def test_numbered_list():
    buttons = [{"title": "Track it", "payload": "/order_status"}, {"title": "Cancel it", "payload": "/cancel_order"}]
    assert numbered_list("Which?", buttons) == "Which?\n\n1. Track it\n2. Cancel it\n\nReply with a number."


def test_button_memory_resolves_numbers_and_titles_until_forgotten_or_expired(channel_env: Dict[str, str]):
    clock = FakeClock()
    runtime = ChannelRuntime.start(channel_env, clock)
    memory = ButtonMemory(runtime.ttl_store, ttl_s=600)
    sender = "sms:+15551234567"
    buttons = [{"title": "Track it", "payload": "/order_status"}, {"title": "Cancel it", "payload": "/cancel_order"}]

    async def pick(who: str, reply: str):
        return chosen_payload(await memory.offered(who), reply)

    async def scenario():
        await memory.remember(sender, buttons)
        picks = [await pick(sender, reply) for reply in ["1", " 2. ", "#1", "cancel IT", "3", "maybe"]]
        other = await pick("sms:+15550000000", "1")
        await memory.forget(sender)
        forgotten = await pick(sender, "1")
        await memory.remember(sender, buttons)
        clock.advance(601)
        expired = await pick(sender, "1")
        await runtime.close()
        return picks, other, forgotten, expired

    picks, other, forgotten, expired = asyncio.run(scenario())
    assert picks == ["/order_status", "/cancel_order", "/order_status", "/cancel_order", None, None]
    assert (other, forgotten, expired) == (None, None, None)
