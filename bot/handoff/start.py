"""Starting a handoff: record it, tell agents, and tell the customer plainly what happens next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Sequence

from bot.clock import Clock, as_utc
from bot.handoff.business_hours import BusinessHours
from bot.handoff.desk_notice import Desk
from bot.handoff.escalation import REASON_ASKED, EscalationDecision
from bot.handoff.store import Handoff, HandoffStore


@dataclass(frozen=True)
class HandoffStarted:
    """The recorded handoff and the message the customer gets."""

    handoff: Handoff
    customer_message: str


class HandoffService:
    """Opens handoffs in the store and notifies the desk, honest about off-hours."""

    def __init__(self, store: HandoffStore, desk: Desk, hours: BusinessHours, clock: Clock) -> None:
        """Wire the store, the desk, the staffed hours and the clock."""
        self._store = store
        self._desk = desk
        self._hours = hours
        self._clock = clock

    def start(
        self,
        conversation_id: str,
        channel: str,
        customer: str,
        decision: EscalationDecision,
        transcript: Sequence[Dict[str, Any]],
    ) -> HandoffStarted:
        """Record the handoff with its transcript, notify agents, and word the customer notice.

        A conversation already with the desk keeps its handoff; agents are not notified twice.
        """
        existing = self._store.active_for_conversation(conversation_id)
        if existing is not None:
            return HandoffStarted(existing, self.customer_message(existing.id, as_utc(self._clock())))
        handoff = self._store.open(
            conversation_id=conversation_id,
            channel=channel,
            customer=customer,
            reason=decision.reason or REASON_ASKED,
            frustration_score=decision.score,
            signals=decision.signals,
            transcript=transcript,
        )
        self._desk.notify_handoff(handoff)
        return HandoffStarted(handoff, self.customer_message(handoff.id, as_utc(self._clock())))

    def customer_message(self, handoff_id: str, now: datetime) -> str:
        """What the customer is told: a person is taking over, and when they will reply."""
        if self._hours.is_open(now):
            when = "They'll reply right here, usually within a few minutes."
        else:
            opening = self._hours.next_opening(now)
            hours_left = max(1, round((opening - now).total_seconds() / 3600))
            when = (
                f"Our team is offline right now. They're back at {opening:%H:%M} on {opening:%A} "
                f"({self._hours.timezone} time, in about {hours_left} h) and will reply right here then."
            )
        return (
            "I'm handing you over to a person on our team now. They can see this whole "
            f"conversation, so you won't have to repeat yourself. {when} "
            f"Your reference is {handoff_id}."
        )
