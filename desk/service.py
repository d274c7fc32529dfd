"""What agents do with a handoff — claim, reply, resolve — the same for Slack and the web console."""

from __future__ import annotations

from typing import Any, Dict, List, Protocol

from bot.handoff.store import ACTIVE_STATUSES, CLAIMED, ClaimResult, Handoff, HandoffError, HandoffStore


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
        text = text.strip()
        if not text:
            raise HandoffError("A reply needs some text.")
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
        return await self.close(handoff_id, agent, note)

    async def close(self, handoff_id: str, by: str, note: str = "") -> Handoff:
        """Close the handoff whoever has it and give the conversation back to the bot, which says
        it is back (the customer asking for the bot, an automatic close, an agent's resolve)."""
        handoff = self.handoffs.get(handoff_id)
        if handoff.status not in ACTIVE_STATUSES:
            raise HandoffError(f"Handoff {handoff_id} is already {handoff.status}.")
        await self.conversations.resume(handoff.conversation_id)
        return self.handoffs.resolve(handoff_id, by=by, note=note)

    async def conversation_events(self, handoff_id: str) -> List[Dict[str, Any]]:
        """The live conversation behind a handoff (including messages after the handoff)."""
        return await self.conversations.events(self.handoffs.get(handoff_id).conversation_id)
