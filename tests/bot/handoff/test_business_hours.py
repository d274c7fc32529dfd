"""Tests for bot/handoff/business_hours.py: when the desk is staffed and when it next opens."""

from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.business_hours import BusinessHours
from bot.settings import HandoffSettings

LONDON = ZoneInfo("Europe/London")


def utc(*parts: int) -> datetime:
    """A UTC moment from year, month, day, hour[, minute]."""
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture
def hours() -> BusinessHours:
    """The default desk: 08:00-22:00 London time, every day."""
    return BusinessHours(HandoffSettings())


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (utc(2026, 11, 25, 12), True),
        (utc(2026, 11, 25, 8), True),  # opening minute (GMT = UTC in winter)
        (utc(2026, 11, 25, 7, 59), False),
        (utc(2026, 11, 25, 22), False),  # closing time is already closed
        (utc(2026, 7, 1, 21, 30), False),  # 22:30 BST
        (utc(2026, 7, 1, 7, 30), True),  # 08:30 BST
    ],
)
def test_is_open_in_the_desk_timezone(hours: BusinessHours, moment: datetime, is_open: bool) -> None:
    assert hours.is_open(moment) is is_open


def test_naive_moments_are_read_as_utc(hours: BusinessHours) -> None:
    assert hours.is_open(datetime(2026, 11, 25, 7, 59)) is False


def test_unstaffed_days_are_closed() -> None:
    weekdays_only = BusinessHours(HandoffSettings(days=("mon", "tue", "wed", "thu", "fri")))

    assert weekdays_only.is_open(utc(2026, 11, 28, 12)) is False  # Saturday
    assert weekdays_only.next_opening(utc(2026, 11, 28, 12)) == datetime(2026, 11, 30, 8, 0, tzinfo=LONDON)


def test_overnight_hours_wrap_past_midnight() -> None:
    night = BusinessHours(HandoffSettings(timezone="UTC", open=time(20, 0), close=time(4, 0)))

    assert night.is_open(utc(2026, 11, 25, 23)) is True
    assert night.is_open(utc(2026, 11, 25, 3)) is True
    assert night.is_open(utc(2026, 11, 25, 12)) is False


@pytest.mark.parametrize("hour", [0, 3, 12, 23])
def test_same_opening_and_closing_time_means_around_the_clock(hour: int) -> None:
    always = BusinessHours(HandoffSettings(timezone="UTC", open=time(0, 0), close=time(0, 0)))

    assert always.is_open(utc(2026, 11, 25, hour)) is True


def test_next_opening_later_today(hours: BusinessHours) -> None:
    assert hours.next_opening(utc(2026, 11, 25, 6)) == datetime(2026, 11, 25, 8, 0, tzinfo=LONDON)


def test_next_opening_tomorrow_after_closing(hours: BusinessHours) -> None:
    assert hours.next_opening(utc(2026, 11, 25, 23)) == datetime(2026, 11, 26, 8, 0, tzinfo=LONDON)


def test_next_opening_across_the_clock_change(hours: BusinessHours) -> None:
    # 00:30 BST on 25 October 2026; clocks go back at 02:00, so 08:00 that day is 08:00 UTC.
    opening = hours.next_opening(utc(2026, 10, 24, 23, 30))

    assert opening.astimezone(timezone.utc) == utc(2026, 10, 25, 8)


def test_no_staffed_day_is_a_clear_error() -> None:
    never = BusinessHours(HandoffSettings(days=()))

    with pytest.raises(ValueError, match="no staffed day"):
        never.next_opening(utc(2026, 11, 25, 12))


def test_timezone_name_is_exposed(hours: BusinessHours) -> None:
    assert hours.timezone == "Europe/London"
