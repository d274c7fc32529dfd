"""A transcript as reviewers read it: the lines, where handoffs happened and which message tipped each.

The tipping message of a handoff is the customer's last message before it: the one that made
the bot hand over (a frustrated message, or the request for a person).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Sequence

from bot.handoff.escalation import HANDOFF_ACTION, NOT_UNDERSTOOD_INTENTS
from bot.transcript import CUSTOMER, transcript_from_events


@dataclass(frozen=True)
class Timeline:
    """Transcript lines in order, plus the handoff points and their tipping messages."""

    lines: List[Dict[str, Any]]
    handoffs_after: FrozenSet[int]
    tipping: FrozenSet[int]

    @property
    def understood_intents(self) -> List[str]:
        """Intents the bot recognised in customer messages, in first-seen order."""
        seen: List[str] = []
        for line in self.lines:
            intent = line.get("intent")
            if line.get("role") == CUSTOMER and intent and intent not in NOT_UNDERSTOOD_INTENTS and intent not in seen:
                seen.append(intent)
        return seen


def timeline_from_events(events: Iterable[Mapping[str, Any]]) -> Timeline:
    """Build the timeline of a whole conversation from its tracker events."""
    lines: List[Dict[str, Any]] = []
    handoff_points: List[int] = []
    for event in events:
        if event.get("event") == "action" and event.get("name") == HANDOFF_ACTION:
            handoff_points.append(len(lines))
        lines.extend(transcript_from_events([event]))
    return _timeline(lines, handoff_points)


def timeline_from_snapshot(transcript: Sequence[Mapping[str, Any]]) -> Timeline:
    """Build the timeline of a handoff's stored transcript, which ends where the handoff began."""
    lines = [dict(line) for line in transcript]
    return _timeline(lines, [len(lines)])


def _timeline(lines: List[Dict[str, Any]], handoff_points: Sequence[int]) -> Timeline:
    """Mark, for each handoff point, the line before it and the customer message that tipped it."""
    handoffs_after = set()
    tipping = set()
    for point in handoff_points:
        if point == 0:
            continue
        handoffs_after.add(point - 1)
        customer_lines = [index for index in range(point) if lines[index].get("role") == CUSTOMER]
        if customer_lines:
            tipping.add(customer_lines[-1])
    return Timeline(lines, frozenset(handoffs_after), frozenset(tipping))
