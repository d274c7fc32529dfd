"""What a message without text gets: the agent sees it during a handoff, else one plain answer.

The assistant reads only text. A customer who sends a photo, a voice note, a sticker or an empty
message learns that (and how to reach a person) once; more of them within the repeat window get
no second answer, so a burst of ten photos is not answered ten times. While a person has the
conversation, the agent sees "[photo] <link>" instead and the customer gets no bot answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol

from bot.attachments import NonTextMessage
from bot.settings import NonTextSettings

ANSWERED_KEY_PREFIX = "non-text-answered:"


class OncePerWindow(Protocol):
    """A store that claims a key for a while (`channels.ttl_store.TtlStore` is one)."""

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        """Claim `key` for `ttl_s` seconds; False when it is already claimed."""


class AgentPresence(Protocol):
    """Tells whether a person (not the bot) has a conversation right now."""

    async def with_agent(self, conversation_id: str) -> bool:
        """True while the conversation has an open or claimed handoff."""


@dataclass(frozen=True)
class NonTextOutcome:
    """What to do with one message: show `for_agent` to the agent, or send `for_customer`.

    Both None: the customer was already told within the window.
    """

    for_agent: Optional[str] = None
    for_customer: Optional[str] = None


class NonTextRule:
    """Decides, per conversation, between relaying to the agent, answering once, and staying quiet."""

    def __init__(self, settings: NonTextSettings, answered: OncePerWindow, presence: AgentPresence) -> None:
        """Answer with `settings.answer`, remembered in `answered`; ask `presence` about handoffs."""
        self._settings = settings
        self._answered = answered
        self._presence = presence

    async def outcome(self, message: NonTextMessage) -> NonTextOutcome:
        """The agent's view during a handoff; otherwise the answer, unless given within the window."""
        if await self._presence.with_agent(message.conversation_id):
            return NonTextOutcome(for_agent=message.agent_view())
        window_s = self._settings.answer_again_after_minutes * 60
        if await self._answered.add(ANSWERED_KEY_PREFIX + message.conversation_id, "1", window_s):
            return NonTextOutcome(for_customer=self._settings.answer)
        return NonTextOutcome()
