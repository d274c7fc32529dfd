"""`channels.handover`: an accepted message becomes a Rasa turn, started before the platform is answered."""

from __future__ import annotations

import asyncio
from typing import List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.background import BackgroundTasks
from channels.handover import InboundMessage, hand_to_rasa


def test_the_turn_has_begun_when_the_platform_gets_its_answer_and_runs_on_after_it() -> None:
    """The adapter answers the platform right after `hand_to_rasa` returns: by then the turn has run
    up to its first wait (so the webhook's reply is written while the encoder works), and it still
    finishes afterwards, in the background."""
    steps: List[str] = []

    async def on_new_message(message: UserMessage) -> None:
        steps.append(f"turn began: {message.text}")
        await asyncio.sleep(0.01)
        steps.append("turn finished")

    async def webhook() -> None:
        background = BackgroundTasks()
        inbound = InboundMessage(
            channel="telegram", sender_id="telegram:1", text="card 4111 1111 1111 1111", message_id="telegram:7"
        )
        await hand_to_rasa(inbound, CollectingOutputChannel(), on_new_message, background)
        steps.append("platform answered")
        await background.drain()

    asyncio.run(webhook())

    assert steps == ["turn began: card [card ending 1111]", "platform answered", "turn finished"]
