"""Filters from query strings (what the filter forms submit), and links that keep them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import List, Mapping, Optional
from urllib.parse import urlencode

from review_app.conversations.queries import REVIEWED, UNREVIEWED, ConversationFilter
from review_app.handoffs.queries import STATUSES, HandoffFilter

MAX_SEARCH_LENGTH = 200


@dataclass
class ParsedQuery:
    """Values read from a query string, and what was wrong with the rest."""

    errors: List[str] = field(default_factory=list)

    def day(self, params: Mapping[str, str], name: str, label: str) -> Optional[date]:
        """A YYYY-MM-DD date, or None (with an error noted when malformed)."""
        value = params.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors.append(f"{label} must be a date like 2026-11-25; ignored {value!r}.")
            return None

    def number(self, params: Mapping[str, str], name: str, label: str, minimum: int = 0) -> Optional[int]:
        """A whole number of at least `minimum`, or None (with an error noted when malformed)."""
        value = params.get(name, "").strip()
        if not value:
            return None
        if not value.isdigit() or int(value) < minimum:
            self.errors.append(f"{label} must be a whole number of at least {minimum}; ignored {value!r}.")
            return None
        return int(value)

    def choice(self, params: Mapping[str, str], name: str, allowed: tuple, label: str) -> str:
        """One of `allowed`, or "" (with an error noted for anything else)."""
        value = params.get(name, "").strip()
        if value and value not in allowed:
            self.errors.append(f"{label} must be one of {', '.join(allowed)}; ignored {value!r}.")
            return ""
        return value


def handoff_filter(params: Mapping[str, str], parsed: ParsedQuery) -> HandoffFilter:
    """The handoff list's filters from its query string."""
    return HandoffFilter(
        status=parsed.choice(params, "status", STATUSES, "Status"),
        channel=params.get("channel", "").strip(),
        reason=params.get("reason", "").strip(),
        agent=params.get("agent", "").strip(),
        since=parsed.day(params, "since", "From"),
        until=parsed.day(params, "until", "To"),
        search=params.get("q", "").strip()[:MAX_SEARCH_LENGTH],
    )


def conversation_filter(params: Mapping[str, str], parsed: ParsedQuery) -> ConversationFilter:
    """The conversation list's filters from its query string."""
    return ConversationFilter(
        intent=params.get("intent", "").strip(),
        low_confidence=params.get("low_confidence", "") in ("1", "on", "yes"),
        channel=params.get("channel", "").strip(),
        since=parsed.day(params, "since", "From"),
        until=parsed.day(params, "until", "To"),
        min_messages=parsed.number(params, "min_messages", "Minimum messages"),
        max_messages=parsed.number(params, "max_messages", "Maximum messages"),
        reviewed=parsed.choice(params, "reviewed", (REVIEWED, UNREVIEWED), "Reviewed"),
        tag=params.get("tag", "").strip().lower(),
    )


def page_number(params: Mapping[str, str]) -> int:
    """The requested page (1 when missing or malformed)."""
    value = params.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def with_params(params: Mapping[str, str], **changes: object) -> str:
    """The query string of `params` with `changes` applied (None removes a key); empty values are dropped."""
    merged = {key: value for key, value in params.items()}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return urlencode({key: value for key, value in merged.items() if value not in ("", None)})
