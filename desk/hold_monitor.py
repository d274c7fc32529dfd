"""No long holds: finds handoffs nobody claimed in time, and ones left open too long.

Off-hours count for nothing: the customer was told when the team is back, so the escalation
clock starts at the opening time, and the queue waits oldest first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List

from bot.clock import as_utc
from bot.handoff.business_hours import BusinessHours
from bot.handoff.store import OPEN, Handoff
from bot.settings import DeskSettings


class HoldMonitor:
    """Decides which handoffs need an escalation or an automatic close at a given moment."""

    def __init__(self, settings: DeskSettings, hours: BusinessHours) -> None:
        """Use the desk's escalation and auto-close limits and its staffed hours."""
        self._escalate_after = timedelta(minutes=settings.escalate_after_minutes)
        self._auto_close_after = timedelta(hours=settings.auto_close_hours)
        self._hours = hours

    def due_for_escalation(self, queue: List[Handoff], now: datetime) -> List[Handoff]:
        """Unclaimed handoffs whose customer has waited past the limit since the last update."""
        now = as_utc(now)
        if not self._hours.is_open(now):
            return []
        due = []
        for handoff in queue:
            if handoff.status != OPEN:
                continue
            waiting_since = handoff.escalated_at or self._staffed_since(handoff.created_at, now)
            if now - waiting_since >= self._escalate_after:
                due.append(handoff)
        return due

    def due_for_auto_close(self, queue: List[Handoff], now: datetime) -> List[Handoff]:
        """Handoffs open longer than the auto-close limit."""
        now = as_utc(now)
        return [h for h in queue if now - h.created_at >= self._auto_close_after]

    def waiting_position(self, queue: List[Handoff], handoff: Handoff) -> int:
        """1-based place of `handoff` among the unclaimed ones, oldest first."""
        waiting = [h.id for h in sorted(queue, key=lambda h: h.created_at) if h.status == OPEN]
        return waiting.index(handoff.id) + 1 if handoff.id in waiting else 1

    def _staffed_since(self, created_at: datetime, now: datetime) -> datetime:
        """When the wait started counting: creation, or the last opening if created off-hours."""
        if self._hours.is_open(created_at):
            return created_at
        opening = self._hours.next_opening(created_at)
        return min(as_utc(opening), now)


def escalation_message(position: int) -> str:
    """The honest update an unclaimed customer gets: no "please hold", where they stand."""
    place = "you're next" if position == 1 else f"you're number {position} in the queue"
    return (
        f"Still here with you: everyone on our team is helping other customers right now and "
        f"{place}. A person will reply in this chat as soon as one is free; you don't need to do "
        "anything. If you'd rather carry on with me, say \"back to the bot\"."
    )


AUTO_CLOSE_NOTE = "Closed automatically: open longer than the desk's auto-close limit."
