"""`desk.handoff_exit`: only a message that is nothing but a request for the bot (give or take
politeness and punctuation) takes a waiting customer out of the queue."""

from __future__ import annotations

import time

import pytest

from desk.handoff_exit import wants_bot_back


@pytest.mark.parametrize("text", [
    "never mind",
    "Never mind!",
    "nevermind",
    "forget it, thanks",
    "Forget it. Thanks!",
    "ok forget it",
    "I'll ask the bot",
    "I’ll just ask the bot",
    "never mind, back to the bot please",
    "back to the bot",
    "oh ok never mind 🙂",
    '"Never mind"',
    "No, never mind, I'll talk to the bot instead. Thanks!",
    "I don't need a human anymore",
    "cancel the request please",
    "end this chat",
    "I'll stop waiting, thanks",
])
def test_a_message_that_only_asks_for_the_bot_leaves(text: str) -> None:
    assert wants_bot_back(text)


@pytest.mark.parametrize("text", [
    "oh forget it, this company is a joke, I'll just file a chargeback",
    "please don't end this chat, I still need help",
    "never mind the colour, any is fine",
    "forget it if you can't find it, just refund me",
    "don't forget it's a gift",
    "I need a person please",
    "talk to a person",
    "thanks",
    "no",
    "",
    "😡",
])
def test_a_message_that_says_more_or_the_opposite_stays_with_the_people(text: str) -> None:
    assert not wants_bot_back(text)


def test_a_long_message_is_decided_at_once() -> None:
    started = time.perf_counter()

    assert not wants_bot_back("please just ok thanks " * 5_000 + "never mind")

    assert time.perf_counter() - started < 0.1
