"""What agents do with a handoff — claim, reply, resolve — the same for Slack and the web console."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Protocol

import httpx

from bot.handoff.store import (
    ACTIVE_STATUSES, CLAIMED, OPEN, RESOLVED_BY_CUSTOMER, ClaimResult, Handoff, HandoffError, HandoffStore,
)
from bot.server.rasa_http_api import RasaApiError

# One agent reply is at most one Telegram message (4096) and three SMS pieces (1600 each), and
# fits one Slack message; a longer answer is better sent as several replies.
MAX_REPLY_CHARACTERS = 4000

# What a desk step raises when the assistant did not do its part: RasaHttpApi raises RasaApiError
# for refusals; connection problems arrive as httpx errors. The step changed nothing (a close is undone).
ASSISTANT_FAILURES = (RasaApiError, httpx.HTTPError)

logger = logging.getLogger(__name__)


class ConversationApi(Protocol):
    """The part of Rasa's HTTP API the desk needs (see `bot.server.rasa_http_api.RasaHttpApi`)."""

    async def send_agent_message(self, conversation_id: str, agent: str, text: str) -> None:
        """Deliver an agent's message to the customer and add it to the transcript."""

    async def send_bot_message(self, conversation_id: str, text: str) -> None:
        """Deliver a bot message (queue updates) to the customer and the transcript."""

    async def resume(self, conversation_id: str) -> None:
        """Give the conversation back to the bot."""

    async def events(self, conversation_id: str) -> List[Dict[str, Any]]:
        """The conversation's tracker events."""

    async def close(self) -> None:
        """Release connections."""


class DeskService:
    """Agent operations on handoffs, keeping the store and the conversation in step."""

    def __init__(self, handoffs: HandoffStore, conversations: ConversationApi) -> None:
        """Work on `handoffs` and reach customers through `conversations`."""
        self.handoffs = handoffs
        self.conversations = conversations

    def queue(self) -> List[Handoff]:
        """Waiting and claimed handoffs, oldest first."""
        return self.handoffs.queue()

    def claim(self, handoff_id: str, agent: str) -> ClaimResult:
        """Claim for `agent`; `claimed` is False when somebody else was first."""
        return self.handoffs.claim(handoff_id, agent)

    async def reply(self, handoff_id: str, agent: str, text: str) -> Handoff:
        """Send an agent's reply to the customer; an unclaimed handoff is claimed by the replier."""
        text = _checked_reply(text)
        handoff = self.handoffs.get(handoff_id)
        if handoff.status not in ACTIVE_STATUSES:
            raise HandoffError(f"Handoff {handoff_id} is {handoff.status}; the bot has the conversation again.")
        if handoff.status != CLAIMED:
            handoff = self.claim(handoff_id, agent).handoff
        if handoff.claimed_by != agent:
            raise HandoffError(f"Handoff {handoff_id} is being handled by {handoff.claimed_by}.")
        await self.conversations.send_agent_message(handoff.conversation_id, agent, text)
        return self.handoffs.record_human_reply(handoff_id)

    async def resolve(self, handoff_id: str, agent: str, note: str = "") -> Handoff:
        """An agent hands the conversation back to the bot; refused while another agent has it
        claimed (a stale console page or Slack button must not end a colleague's conversation)."""
        handoff = self.handoffs.get(handoff_id)
        if handoff.status == CLAIMED and handoff.claimed_by != agent:
            raise HandoffError(f"Handoff {handoff_id} is being handled by {handoff.claimed_by}.")
        return await self._hand_back(handoff, agent, note)

    async def close(self, handoff_id: str, by: str, note: str = "") -> Handoff:
        """Close the handoff whoever has it and give the conversation back to the bot, which says
        it is back (an automatic close, an agent's resolve)."""
        return await self._hand_back(self.handoffs.get(handoff_id), by, note)

    async def customer_leaves(self, handoff_id: str, note: str = "") -> Handoff:
        """A waiting customer asked for the bot back; refused once an agent has claimed the
        handoff, because then the agent decides when the conversation ends."""
        handoff = self.handoffs.get(handoff_id)
        if handoff.status == CLAIMED:
            raise HandoffError(f"Handoff {handoff_id} is being handled by {handoff.claimed_by}; the agent decides.")
        if handoff.status != OPEN:
            raise HandoffError(f"Handoff {handoff_id} is already {handoff.status}.")
        return await self._hand_back(handoff, RESOLVED_BY_CUSTOMER, note)

    async def _hand_back(self, seen: Handoff, by: str, note: str) -> Handoff:
        """Resolve first (exactly one of two simultaneous closes gets past this), then let the bot
        take over; if Rasa fails, the handoff is put back as it was so the close can be retried."""
        if seen.status not in ACTIVE_STATUSES:
            raise HandoffError(f"Handoff {seen.id} is already {seen.status}.")
        resolved = self.handoffs.resolve_as_seen(seen, by=by, note=note)
        try:
            await self.conversations.resume(seen.conversation_id)
        except BaseException:
            if not self.handoffs.undo_resolve(resolved, seen):
                logger.warning("Handoff %s stays resolved although the bot may not have the conversation back: "
                               "the conversation has a newer handoff or the record changed.", seen.id)
            raise
        return resolved

    async def conversation_events(self, handoff_id: str) -> List[Dict[str, Any]]:
        """The live conversation behind a handoff (including messages after the handoff)."""
        return await self.conversations.events(self.handoffs.get(handoff_id).conversation_id)


def _checked_reply(text: str) -> str:
    """The reply without surrounding blanks, line breaks as "\\n" (browsers send CRLF but count one
    character); refused whole, so nothing is sent, when empty or too long."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise HandoffError("A reply needs some text.")
    if len(text) > MAX_REPLY_CHARACTERS:
        raise HandoffError(
            f"A reply can have at most {MAX_REPLY_CHARACTERS:,} characters and this one has {len(text):,}; "
            "nothing was sent. Shorten it or send it as several replies."
        )
    return text
