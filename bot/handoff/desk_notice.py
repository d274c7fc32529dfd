"""How agents hear about handoffs. The log desk works everywhere; Slack and web desks add to it."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

from bot.handoff.store import Handoff

logger = logging.getLogger(__name__)


class Desk(Protocol):
    """Something that tells agents a customer is waiting."""

    def notify_handoff(self, handoff: Handoff) -> None:
        """Tell agents about a new handoff."""


class LogDesk:
    """Writes each handoff to the log and to a JSON-lines file agents (and tests) can watch."""

    def __init__(self, outbox: Path) -> None:
        """Append notifications to `outbox` (its folder is created if missing)."""
        self._outbox = outbox

    def notify_handoff(self, handoff: Handoff) -> None:
        """Log who is waiting and why, without the customer's words (logs must not hold them)."""
        logger.warning(
            "Handoff %s: %s customer waiting (reason %s, frustration %.2f).",
            handoff.id,
            handoff.channel,
            handoff.reason,
            handoff.frustration_score,
        )
        self._outbox.parent.mkdir(parents=True, exist_ok=True)
        notice = {
            "handoff_id": handoff.id,
            "conversation_id": handoff.conversation_id,
            "channel": handoff.channel,
            "reason": handoff.reason,
            "frustration_score": handoff.frustration_score,
            "created_at": handoff.created_at.isoformat(),
            "transcript_lines": len(handoff.transcript),
        }
        with self._outbox.open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(notice) + "\n")
