"""Filters from query strings (what the filter forms submit), and links that keep them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, List, Mapping, Optional
from urllib.parse import urlencode

from review_app.conversations.queries import REVIEWED, UNREVIEWED, ConversationFilter
from review_app.handoffs.digest import MIN_TERM_LENGTH
from review_app.handoffs.queries import MAX_SEARCH_WORDS, STATUSES, HandoffFilter

MAX_SEARCH_LENGTH = 200
# Far above any page or message count, far below SQL's 64-bit integers.
MAX_WHOLE_NUMBER = 1_000_000_000
# Days outside this range are typing slips; the date arithmetic of filters and metrics stays safe within it.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2999, 12, 31)
_ASCII_DIGITS = re.compile(r"[0-9]+")


@dataclass
class ParsedQuery:
    """Values read from a query string, and what was wrong with the rest."""

    errors: List[str] = field(default_factory=list)

    def day(self, params: Mapping[str, str], name: str, label: str) -> Optional[date]:
        """A YYYY-MM-DD date from EARLIEST_DAY to LATEST_DAY, or None (with an error noted otherwise)."""
        value = params.get(name, "").strip()
        if not value:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.errors.append(f"{label} must be a date like 2026-11-25; ignored {value!r}.")
            return None
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            self.errors.append(f"{label} must be a day from {EARLIEST_DAY} to {LATEST_DAY}; ignored {value!r}.")
            return None
        return day

    def number(self, params: Mapping[str, str], name: str, label: str, minimum: int = 0) -> Optional[int]:
        """A whole number of at least `minimum` (at most MAX_WHOLE_NUMBER), or None (error noted when malformed)."""
        value = params.get(name, "").strip()
        if not value:
            return None
        number = whole_number(value)
        if number is None or number < minimum:
            self.errors.append(f"{label} must be a whole number of at least {minimum}; ignored {value!r}.")
            return None
        return number

    def choice(self, params: Mapping[str, str], name: str, allowed: tuple, label: str) -> str:
        """One of `allowed`, or "" (with an error noted for anything else)."""
        value = params.get(name, "").strip()
        if value and value not in allowed:
            self.errors.append(f"{label} must be one of {', '.join(allowed)}; ignored {value!r}.")
            return ""
        return value


def whole_number(text: str) -> Optional[int]:
    """`text` as a number capped at MAX_WHOLE_NUMBER, or None unless it is ASCII digits only.

    `str.isdigit()` also accepts digits `int()` refuses ("²"); the cap keeps huge values out of SQL integers.
    """
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > len(str(MAX_WHOLE_NUMBER)):
        return MAX_WHOLE_NUMBER
    return min(int(significant), MAX_WHOLE_NUMBER)


def handoff_filter(params: Mapping[str, str], parsed: ParsedQuery) -> HandoffFilter:
    """The handoff list's filters from its query string, noting what the list cannot honour."""
    filters = HandoffFilter(
        status=parsed.choice(params, "status", STATUSES, "Status"),
        channel=params.get("channel", "").strip(),
        reason=params.get("reason", "").strip(),
        agent=params.get("agent", "").strip(),
        since=parsed.day(params, "since", "From"),
        until=parsed.day(params, "until", "To"),
        search=params.get("q", "").strip()[:MAX_SEARCH_LENGTH],
    )
    _note_unsearched_words(filters, parsed)
    if filters.since and filters.until and filters.since > filters.until:
        parsed.errors.append("From is after To, so no handoff can match; swap the two dates.")
    return filters


def _note_unsearched_words(filters: HandoffFilter, parsed: ParsedQuery) -> None:
    """Name the search words the search leaves out, so results never silently differ from the query."""
    if filters.unsearchable_words:
        parsed.errors.append(
            f"Search ignored {_quoted(filters.unsearchable_words)}: "
            f"a searched word needs at least {MIN_TERM_LENGTH} letters or digits."
        )
    if filters.words_past_limit:
        parsed.errors.append(
            f"Search uses the first {MAX_SEARCH_WORDS} words only; ignored {_quoted(filters.words_past_limit)}."
        )


def _quoted(words: Iterable[str]) -> str:
    """Words quoted the way the other notes quote ignored values, comma-separated."""
    return ", ".join(repr(word) for word in words)


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


def page_number(params: Mapping[str, str], parsed: ParsedQuery) -> int:
    """The requested page: 1 when missing or malformed (noted in `parsed`); lists clamp it to their last page."""
    return parsed.number(params, "page", "Page", minimum=1) or 1


def with_params(params: Mapping[str, str], **changes: object) -> str:
    """The query string of `params` with `changes` applied (None removes a key); empty values are dropped."""
    merged = {key: value for key, value in params.items()}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return urlencode({key: value for key, value in merged.items() if value not in ("", None)})
