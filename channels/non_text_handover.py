"""Hand a message without text to the bot's rule (`bot.handoff.non_text_messages`) and act on its outcome.

During a handoff the message goes to Rasa as the agent's view ("[photo] https://…"): the paused
conversation records it and the desk shows it to the agent. Otherwise the caller gets the one
plain answer to send (or None when the customer was told within the window).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional

from rasa.core.channels.channel import OutputChannel
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.attachments import NonTextMessage
from bot.handoff.non_text_messages import NonTextRule
from bot.handoff.store import HandoffStore, handoffs_table
from channels.background import BackgroundTasks
from channels.handover import InboundMessage, OnNewMessage, hand_to_rasa
from channels.sql_calls import run_sql

ATTACHMENTS_KEY = "attachments"


class HandoffPresence:
    """`bot.handoff.non_text_messages.AgentPresence` read from the handoff store (inline on SQLite)."""

    def __init__(self, engine: Engine) -> None:
        """Read handoffs through `engine`, the project database."""
        self._engine = engine
        self._handoffs = HandoffStore(engine)
        self._table_exists = False

    async def with_agent(self, conversation_id: str) -> bool:
        """True while the conversation has an open or claimed handoff."""
        return await run_sql(self._engine, lambda: self._has_active_handoff(conversation_id))

    def _has_active_handoff(self, conversation_id: str) -> bool:
        """A database whose handoffs table no service has created yet holds no handoff."""
        if not self._table_exists:
            self._table_exists = sa.inspect(self._engine).has_table(handoffs_table.name)
            if not self._table_exists:
                return False
        return self._handoffs.active_for_conversation(conversation_id) is not None


@dataclass(frozen=True)
class InboundNonText:
    """A customer's message without text, translated from the platform's payload."""

    channel: str
    message: NonTextMessage
    message_id: str
    metadata: Dict[str, Any] = field(default_factory=dict)


async def hand_over_non_text(
    inbound: InboundNonText,
    rule: NonTextRule,
    output_channel: OutputChannel,
    on_new_message: OnNewMessage,
    background: BackgroundTasks,
) -> Optional[str]:
    """Relay to the agent during a handoff; otherwise the answer to send (None: stay quiet)."""
    outcome = await rule.outcome(inbound.message)
    if outcome.for_agent is not None:
        relayed = InboundMessage(
            channel=inbound.channel,
            sender_id=inbound.message.conversation_id,
            text=outcome.for_agent,
            message_id=inbound.message_id,
            metadata={**inbound.metadata, ATTACHMENTS_KEY: inbound.message.as_metadata()},
        )
        await hand_to_rasa(relayed, output_channel, on_new_message, background)
    return outcome.for_customer
