"""Keeps agents and waiting customers in touch while a person has the conversation.

One pass (`run_once`) posts new handoffs to the agents' board, relays customer messages that
arrived during the handoff, lets a customer nobody claimed yet leave the queue, sends honest
updates to customers nobody claimed in time (re-notifying agents), and closes handoffs left open
too long. Every step is recorded in the handoff store, so a restarted desk carries on where it
stopped and two desks never escalate the same handoff twice.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol

from bot.clock import Clock
from bot.handoff.escalation import HANDOFF_ACTION
from bot.handoff.store import OPEN, RESOLVED_BY_AUTO_CLOSE, Handoff, HandoffError
from bot.server.rasa_http_api import RasaUnreachableError
from desk.handoff_exit import wants_bot_back
from desk.hold_monitor import AUTO_CLOSE_NOTE, HoldMonitor, escalation_message
from desk.service import DeskService

logger = logging.getLogger(__name__)

CUSTOMER_LEFT_NOTE = "The customer asked for the bot back."


class DeskBoard(Protocol):
    """Where agents see handoffs (the Slack agents' channel); the web console needs none."""

    async def post_handoff(self, handoff: Handoff) -> Optional[str]:
        """Announce a new handoff; return a reference for its thread."""

    async def post_customer_message(self, handoff: Handoff, text: str) -> None:
        """Show a customer's message in the handoff's thread."""

    async def post_escalation(self, handoff: Handoff) -> None:
        """Remind agents that a customer is still waiting."""

    async def post_closed(self, handoff: Handoff) -> None:
        """Tell agents the handoff is closed and by whom."""


class DeskRelay:
    """One desk loop over the handoff queue; see the module docstring for what a pass does."""

    def __init__(
        self, desk: DeskService, monitor: HoldMonitor, clock: Clock, board: Optional[DeskBoard] = None
    ) -> None:
        """Relay through `desk` (store + Rasa API), with `board` for Slack when configured."""
        self._desk = desk
        self._monitor = monitor
        self._clock = clock
        self._board = board
        self._rasa_unreachable = False
        self._pass_reached_rasa = True
        self._stopping = asyncio.Event()

    async def run_once(self) -> None:
        """One pass: announce new handoffs first (agents' latency), then relay, escalate, close."""
        queue = self._desk.queue()
        for handoff in queue:
            await self._guarded(handoff, self._announce)
        await asyncio.gather(*(self._guarded(handoff, self._relay_customer_messages) for handoff in queue))
        queue = self._desk.queue()
        now = self._clock()
        for handoff in self._monitor.due_for_escalation(queue, now):
            await self._escalate(handoff, self._monitor.waiting_position(queue, handoff))
        for handoff in self._monitor.due_for_auto_close(queue, now):
            await self._close(handoff, RESOLVED_BY_AUTO_CLOSE, AUTO_CLOSE_NOTE)

    async def run_forever(self, interval_seconds: float, stop: asyncio.Event) -> None:
        """Repeat `run_once` every `interval_seconds` until `stop` is set; a pass that fails while
        stopping is not reported (the servers it talks to may be stopping too)."""
        self._stopping = stop
        while not stop.is_set():
            self._pass_reached_rasa = True
            try:
                await self.run_once()
            except RasaUnreachableError as error:
                self._note_rasa_unreachable(error)
            except Exception:  # noqa: BLE001 - keep the desk alive; the error is logged
                if not stop.is_set():
                    logger.exception("Desk relay pass failed; retrying.")
            if self._pass_reached_rasa:
                self._note_rasa_reachable()
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
            except asyncio.TimeoutError:
                pass

    async def _guarded(self, handoff: Handoff, step: Callable[[Handoff], Awaitable[None]]) -> None:
        """Run one step for one handoff; a failure is logged and retried next pass, not fatal."""
        try:
            await step(handoff)
        except RasaUnreachableError as error:
            self._note_rasa_unreachable(error)
        except Exception:  # noqa: BLE001 - one failing handoff must not stall the desk
            logger.exception("Desk relay step failed for handoff %s; will retry.", handoff.id)

    def _note_rasa_unreachable(self, error: RasaUnreachableError) -> None:
        """One warning line (no traceback) when the Rasa API starts failing, not one per pass;
        none while the desk is stopping."""
        self._pass_reached_rasa = False
        if not self._rasa_unreachable and not self._stopping.is_set():
            logger.warning("Desk relay paused, will retry: %s", error)
        self._rasa_unreachable = True

    def _note_rasa_reachable(self) -> None:
        """Say once that the relay works again after a failure."""
        if self._rasa_unreachable:
            logger.warning("Desk relay resumed: the Rasa server answers again.")
        self._rasa_unreachable = False

    async def _announce(self, handoff: Handoff) -> None:
        """Post a handoff to the board once."""
        if self._board is None or handoff.desk_thread is not None:
            return
        thread = await self._board.post_handoff(handoff)
        if thread:
            self._desk.handoffs.set_desk_thread(handoff.id, thread)

    async def _relay_customer_messages(self, handoff: Handoff) -> None:
        """Forward messages the customer sent since the handoff; a waiting customer whose message
        only asks for the bot back leaves the queue (once claimed, the agent decides)."""
        events = await self._desk.conversations.events(handoff.conversation_id)
        start = handoff.relayed_events or _after_last_handoff(events)
        if start >= len(events):
            return
        current = self._desk.handoffs.get(handoff.id)
        for index in range(start, len(events)):
            event = events[index]
            if event.get("event") != "user":
                continue
            text = event.get("text") or ""
            if current.status == OPEN and wants_bot_back(text):
                self._desk.handoffs.set_relayed_events(handoff.id, index)
                if await self._customer_leaves(current):
                    self._desk.handoffs.set_relayed_events(handoff.id, len(events))
                    return
                current = self._desk.handoffs.get(handoff.id)
            if self._board is not None:
                await self._board.post_customer_message(current, text)
        self._desk.handoffs.set_relayed_events(handoff.id, len(events))

    async def _customer_leaves(self, handoff: Handoff) -> bool:
        """Close for a waiting customer who asked for the bot; False if an agent claimed it first."""
        try:
            closed = await self._desk.customer_leaves(handoff.id, CUSTOMER_LEFT_NOTE)
        except HandoffError:
            return False
        if self._board is not None:
            await self._board.post_closed(closed)
        return True

    async def _escalate(self, handoff: Handoff, position: int) -> None:
        """Tell a waiting customer where they stand and remind agents, once per interval."""
        if not self._desk.handoffs.mark_escalated(handoff):
            return
        await self._desk.conversations.send_bot_message(handoff.conversation_id, escalation_message(position))
        if self._board is not None:
            await self._board.post_escalation(self._desk.handoffs.get(handoff.id))

    async def _close(self, handoff: Handoff, by: str, note: str) -> None:
        """Resolve and hand the conversation back to the bot."""
        try:
            closed = await self._desk.close(handoff.id, by, note)
        except HandoffError:
            return
        if self._board is not None:
            await self._board.post_closed(closed)


def _after_last_handoff(events: List[Dict[str, Any]]) -> int:
    """Index just after the latest `action_handoff` and its notice (where relaying starts)."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "action" and event.get("name") == HANDOFF_ACTION:
            position = index + 1
            while position < len(events) and events[position].get("event") != "user":
                position += 1
            return position
    return len(events)

