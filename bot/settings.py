"""Project settings: `settings.yml` at the repository root, overridden by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS_FILE = REPO_ROOT / "settings.yml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingsError(ValueError):
    """A settings value is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class FrustrationSettings:
    """How sensitive the frustration handoff is."""

    threshold: float = 0.5


@dataclass(frozen=True)
class HandoffSettings:
    """When the human desk is staffed."""

    timezone: str = "Europe/London"
    open: time = time(8, 0)
    close: time = time(22, 0)
    days: Tuple[str, ...] = WEEKDAYS


@dataclass(frozen=True)
class DeskSettings:
    """No long holds: when to escalate an unclaimed handoff and when to close a forgotten one."""

    escalate_after_minutes: float = 5.0
    auto_close_hours: float = 24.0


@dataclass(frozen=True)
class NpsSettings:
    """How often customers may be asked the NPS question."""

    cooldown_hours: float = 24.0


DEFAULT_NON_TEXT_ANSWER = (
    'I can only read typed text, so I could not see that. Please type your question, '
    'or type "human" to reach a person.'
)


@dataclass(frozen=True)
class NonTextSettings:
    """What a customer who sends no text (photo, voice note, empty message) is told, and how often."""

    answer: str = DEFAULT_NON_TEXT_ANSWER
    answer_again_after_minutes: float = 5.0


@dataclass(frozen=True)
class Settings:
    """All project settings, as loaded by `load_settings`."""

    company: str = "Brightway"
    database_url: str = "sqlite:///var/brightway.db"
    frustration: FrustrationSettings = field(default_factory=FrustrationSettings)
    handoff: HandoffSettings = field(default_factory=HandoffSettings)
    desk: DeskSettings = field(default_factory=DeskSettings)
    nps: NpsSettings = field(default_factory=NpsSettings)
    non_text: NonTextSettings = field(default_factory=NonTextSettings)


def load_settings(
    path: Optional[Path] = None, environ: Optional[Mapping[str, str]] = None
) -> Settings:
    """Read settings from YAML (default: repo `settings.yml`) and apply env overrides."""
    env = os.environ if environ is None else environ
    settings_path = Path(env.get("BRIGHTWAY_SETTINGS", path or DEFAULT_SETTINGS_FILE))
    raw: Mapping[str, Any] = {}
    if settings_path.exists():
        loaded = yaml.safe_load(settings_path.read_text(encoding="utf-8"))
        if loaded is not None and not isinstance(loaded, dict):
            raise SettingsError(f"{settings_path}: expected a mapping at the top level.")
        raw = loaded or {}
    frustration = raw.get("frustration") or {}
    handoff = raw.get("handoff") or {}
    nps = raw.get("nps") or {}
    desk = raw.get("desk") or {}
    non_text = raw.get("non_text_messages") or {}
    database_url = env.get("BRIGHTWAY_DB_URL") or raw.get("database_url") or Settings.database_url
    return Settings(
        company=str(raw.get("company", Settings.company)),
        database_url=resolve_sqlite_path(str(database_url)),
        frustration=FrustrationSettings(
            threshold=_fraction(
                env.get("BRIGHTWAY_FRUSTRATION_THRESHOLD", frustration.get("threshold", 0.5)),
                "frustration.threshold",
            )
        ),
        handoff=HandoffSettings(
            timezone=str(handoff.get("timezone", HandoffSettings.timezone)),
            open=_clock_time(handoff.get("open", "08:00"), "handoff.open"),
            close=_clock_time(handoff.get("close", "22:00"), "handoff.close"),
            days=_weekdays(handoff.get("days", list(WEEKDAYS))),
        ),
        desk=DeskSettings(
            escalate_after_minutes=_positive(desk.get("escalate_after_minutes", 5), "desk.escalate_after_minutes"),
            auto_close_hours=_positive(desk.get("auto_close_hours", 24), "desk.auto_close_hours"),
        ),
        nps=NpsSettings(cooldown_hours=_positive(nps.get("cooldown_hours", 24), "nps.cooldown_hours")),
        non_text=NonTextSettings(
            answer=(env.get("BRIGHTWAY_MEDIA_REPLY", "").strip()
                    or str(non_text.get("answer") or "").strip() or DEFAULT_NON_TEXT_ANSWER),
            answer_again_after_minutes=_positive(
                non_text.get("answer_again_after_minutes", NonTextSettings.answer_again_after_minutes),
                "non_text_messages.answer_again_after_minutes",
            ),
        ),
    )


def resolve_sqlite_path(url: str) -> str:
    """Make a relative SQLite path relative to the repo root, so any working directory works."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(REPO_ROOT / url[len(prefix):])
    return url


def _fraction(value: Any, name: str) -> float:
    """Parse a number in [0, 1] or explain what is wrong."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a number between 0 and 1, got {value!r}.") from None
    if not 0.0 <= number <= 1.0:
        raise SettingsError(f"{name} must be between 0 and 1, got {number}.")
    return number


def _positive(value: Any, name: str) -> float:
    """Parse a positive number or explain what is wrong."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a positive number, got {value!r}.") from None
    if number <= 0:
        raise SettingsError(f"{name} must be greater than 0, got {number}.")
    return number


def _clock_time(value: Any, name: str) -> time:
    """Parse "HH:MM" (YAML may also hand us minutes since midnight for unquoted 08:00)."""
    try:
        if isinstance(value, int):
            return time(value // 60, value % 60)
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise SettingsError(f'{name} must look like "08:00", got {value!r}.') from None


def _weekdays(value: Any) -> Tuple[str, ...]:
    """Validate the list of staffed weekdays."""
    days = tuple(str(day).lower()[:3] for day in (value or []))
    unknown = [day for day in days if day not in WEEKDAYS]
    if unknown:
        raise SettingsError(f"handoff.days has unknown days {unknown}; use {list(WEEKDAYS)}.")
    if not days:
        raise SettingsError("handoff.days is empty: list at least one day the desk is staffed.")
    return days
