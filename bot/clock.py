"""Injectable time, so rules that depend on the clock are tested without sleeping."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """Treat naive datetimes (as SQLite returns them) as UTC; convert aware ones to UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def local_date(moment: datetime, timezone_name: str) -> date:
    """The calendar date of `moment` in the shop's timezone (an IANA name such as Europe/London)."""
    return as_utc(moment).astimezone(ZoneInfo(timezone_name)).date()
