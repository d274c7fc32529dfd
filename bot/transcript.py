"""Readable transcripts from Rasa tracker events given as plain dicts (customer, bot, agent)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping

CUSTOMER = "customer"
BOT = "bot"
AGENT = "agent"


def transcript_from_events(events: Iterable[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Customer, bot and agent messages in order, with time, intent and frustration score.

    Agent messages are bot events whose metadata names an `agent` (the desk adds them so).
    """
    lines: List[Dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse_data = event.get("parse_data") or {}
            intent = parse_data.get("intent") or {}
            frustration = parse_data.get("frustration") or {}
            lines.append(
                {
                    "role": CUSTOMER,
                    "text": event.get("text") or "",
                    "at": _iso(event.get("timestamp")),
                    "intent": intent.get("name"),
                    "confidence": intent.get("confidence"),
                    "frustration": frustration.get("score"),
                }
            )
        elif kind == "bot" and (event.get("text") or (event.get("data") or {}).get("buttons")):
            metadata = event.get("metadata") or {}
            agent = metadata.get("agent")
            line: Dict[str, Any] = {
                "role": AGENT if agent else BOT,
                "text": event.get("text") or "",
                "at": _iso(event.get("timestamp")),
            }
            if agent:
                line["agent"] = agent
            lines.append(line)
    return lines


def _iso(timestamp: Any) -> str:
    """ISO-8601 UTC time from a Unix timestamp (empty when unknown)."""
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(float(timestamp), tz=timezone.utc).isoformat(timespec="seconds")
