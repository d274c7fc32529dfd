"""Tests for bot/clock.py: the time helpers every store relies on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.clock import as_utc, local_date, system_clock


def test_system_clock_is_timezone_aware_utc() -> None:
    assert system_clock().utcoffset() == timedelta(0)


def test_naive_moments_are_taken_as_utc() -> None:
    assert as_utc(datetime(2026, 11, 25, 12, 0)) == datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def test_aware_moments_in_other_zones_are_converted_to_utc() -> None:
    summer_london = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))

    converted = as_utc(summer_london)

    assert converted.utcoffset() == timedelta(0)
    assert converted.replace(tzinfo=None) == datetime(2026, 7, 1, 8, 0)


def test_the_local_date_follows_the_shops_timezone_across_midnight() -> None:
    late_evening_utc = datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)

    assert local_date(late_evening_utc, "Europe/London").isoformat() == "2026-07-02"
    assert local_date(late_evening_utc, "America/New_York").isoformat() == "2026-07-01"
