"""When people are at the desk, so the customer is told honestly when a person will reply."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import as_utc
from bot.settings import WEEKDAYS, HandoffSettings


class BusinessHours:
    """Opening hours in a timezone, the same every staffed weekday."""

    def __init__(self, settings: HandoffSettings) -> None:
        """Use the timezone, opening and closing times and days from settings."""
        self._settings = settings
        self._zone = ZoneInfo(settings.timezone)

    @property
    def timezone(self) -> str:
        """The timezone name the hours are in."""
        return self._settings.timezone

    def is_open(self, moment: datetime) -> bool:
        """Whether a person is at the desk at `moment`."""
        local = as_utc(moment).astimezone(self._zone)
        if WEEKDAYS[local.weekday()] not in self._settings.days:
            return False
        now = local.time()
        opens, closes = self._settings.open, self._settings.close
        if opens == closes:
            return True
        if opens < closes:
            return opens <= now < closes
        return now >= opens or now < closes

    def next_opening(self, moment: datetime) -> datetime:
        """The next time the desk opens after `moment` (local time of the desk)."""
        local = as_utc(moment).astimezone(self._zone)
        for days_ahead in range(0, 8):
            day = (local + timedelta(days=days_ahead)).date()
            if WEEKDAYS[day.weekday()] not in self._settings.days:
                continue
            opening = datetime.combine(day, self._settings.open, tzinfo=self._zone)
            if opening > local:
                return opening
        raise ValueError("handoff.days lists no staffed day; the desk never opens.")
