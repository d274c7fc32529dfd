"""Desk hours for servers started by tests, so no test depends on the hour it runs at.

The servers read `settings.yml` through `BRIGHTWAY_SETTINGS`; tests give them a copy whose desk
hours are chosen relative to now (open around the clock, or closed for the next two hours).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Optional

import yaml

from bot.settings import DEFAULT_SETTINGS_FILE, WEEKDAYS, HandoffSettings

AROUND_THE_CLOCK = HandoffSettings(timezone="UTC", open=time(0, 0), close=time(0, 0), days=WEEKDAYS)


def desk_hours(open_now: bool, now: Optional[datetime] = None) -> HandoffSettings:
    """Desk hours in UTC that are open (around the clock) or closed from `now` for two hours."""
    if open_now:
        return AROUND_THE_CLOCK
    moment = now or datetime.now(timezone.utc)
    opens = (moment + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    closes = (moment + timedelta(hours=3)).time().replace(second=0, microsecond=0)
    return HandoffSettings(timezone="UTC", open=opens, close=closes, days=WEEKDAYS)


def write_test_settings(folder: Path, hours: HandoffSettings = AROUND_THE_CLOCK) -> Path:
    """Write the project's settings with these desk hours into `folder`; return the file."""
    raw = yaml.safe_load(DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8"))
    raw["handoff"] = {
        "timezone": hours.timezone,
        "open": hours.open.strftime("%H:%M"),
        "close": hours.close.strftime("%H:%M"),
        "days": list(hours.days),
    }
    path = folder / "test-settings.yml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path
