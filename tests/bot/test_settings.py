"""Tests for bot/settings.py: YAML settings, environment overrides and clear errors."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.settings import (
    DEFAULT_SETTINGS_FILE,
    REPO_ROOT,
    WEEKDAYS,
    NonTextSettings,
    Settings,
    SettingsError,
    load_settings,
)


def write_settings(tmp_path: Path, text: str) -> Path:
    """Write a settings file and return its path."""
    path = tmp_path / "settings.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repo_settings_file_loads_with_the_documented_values() -> None:
    settings = load_settings(DEFAULT_SETTINGS_FILE, environ={})

    assert settings.company == "Brightway"
    assert settings.database_url == f"sqlite:///{REPO_ROOT}/var/brightway.db"
    assert settings.frustration.threshold == 0.5
    assert settings.handoff.timezone == "Europe/London"
    assert (settings.handoff.open, settings.handoff.close) == (time(8, 0), time(22, 0))
    assert settings.handoff.days == WEEKDAYS
    assert settings.nps.cooldown_hours == 24.0
    assert settings.non_text == NonTextSettings()


def test_missing_file_gives_defaults_that_run_locally(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.yml", environ={})

    assert settings == Settings(database_url=f"sqlite:///{REPO_ROOT}/var/brightway.db")


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(write_settings(tmp_path, ""), environ={})

    assert settings.frustration.threshold == 0.5
    assert settings.handoff.days == WEEKDAYS


def test_environment_overrides_database_url_and_threshold(tmp_path: Path) -> None:
    path = write_settings(tmp_path, "database_url: sqlite:///var/x.db\nfrustration: {threshold: 0.4}\n")

    settings = load_settings(
        path,
        environ={
            "BRIGHTWAY_DB_URL": "postgresql://user:pass@db/brightway",
            "BRIGHTWAY_FRUSTRATION_THRESHOLD": "0.7",
        },
    )

    assert settings.database_url == "postgresql://user:pass@db/brightway"
    assert settings.frustration.threshold == 0.7


def test_settings_file_can_be_chosen_by_environment(tmp_path: Path) -> None:
    path = write_settings(tmp_path, "company: Acme\n")

    settings = load_settings(environ={"BRIGHTWAY_SETTINGS": str(path)})

    assert settings.company == "Acme"


def test_relative_sqlite_path_is_anchored_at_the_repo_root(tmp_path: Path) -> None:
    path = write_settings(tmp_path, "database_url: sqlite:///var/other.db\n")

    assert load_settings(path, environ={}).database_url == f"sqlite:///{REPO_ROOT}/var/other.db"


@pytest.mark.parametrize("url", ["sqlite:////tmp/abs.db", "sqlite:///:memory:", "postgresql://db/x"])
def test_absolute_and_non_file_urls_are_kept_as_given(tmp_path: Path, url: str) -> None:
    assert load_settings(tmp_path / "absent.yml", environ={"BRIGHTWAY_DB_URL": url}).database_url == url


def test_hours_and_days_are_parsed(tmp_path: Path) -> None:
    path = write_settings(
        tmp_path,
        'handoff:\n  timezone: America/New_York\n  open: "09:30"\n  close: "17:00"\n  days: [Monday, TUE, wed]\n',
    )

    handoff = load_settings(path, environ={}).handoff

    assert handoff.timezone == "America/New_York"
    assert (handoff.open, handoff.close) == (time(9, 30), time(17, 0))
    assert handoff.days == ("mon", "tue", "wed")


def test_unquoted_time_that_yaml_reads_as_minutes_is_understood(tmp_path: Path) -> None:
    # YAML 1.1 reads unquoted 9:30 as the base-60 integer 570.
    path = write_settings(tmp_path, "handoff:\n  open: 9:30\n  close: 21:00\n")

    handoff = load_settings(path, environ={}).handoff

    assert (handoff.open, handoff.close) == (time(9, 30), time(21, 0))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("frustration: {threshold: high}\n", "frustration.threshold"),
        ("frustration: {threshold: 1.5}\n", "frustration.threshold"),
        ('handoff: {open: "8am"}\n', "handoff.open"),
        ('handoff: {close: "25:00"}\n', "handoff.close"),
        ("handoff: {close: 25:00}\n", "handoff.close"),
        ("handoff: {days: [mon, funday]}\n", "handoff.days"),
        ("nps: {cooldown_hours: a day}\n", "nps.cooldown_hours"),
        ("- just\n- a list\n", "mapping"),
    ],
    ids=["threshold-word", "threshold-range", "open-format", "close-range", "close-unquoted-range",
         "unknown-day", "cooldown-word", "top-level-list"],
)
def test_malformed_values_fail_fast_naming_the_setting(tmp_path: Path, text: str, names: str) -> None:
    with pytest.raises(SettingsError, match=names):
        load_settings(write_settings(tmp_path, text), environ={})


def test_malformed_threshold_in_environment_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="frustration.threshold"):
        load_settings(tmp_path / "absent.yml", environ={"BRIGHTWAY_FRUSTRATION_THRESHOLD": "lots"})


def test_desk_timings_are_read_and_must_be_positive(tmp_path: Path) -> None:
    path = write_settings(tmp_path, "desk: {escalate_after_minutes: 2, auto_close_hours: 12}\n")

    desk = load_settings(path, environ={}).desk

    assert (desk.escalate_after_minutes, desk.auto_close_hours) == (2.0, 12.0)
    with pytest.raises(SettingsError, match="desk.escalate_after_minutes"):
        load_settings(write_settings(tmp_path, "desk: {escalate_after_minutes: 0}\n"), environ={})


def test_non_text_answer_and_window_are_read_and_the_answer_can_come_from_the_environment(tmp_path: Path) -> None:
    path = write_settings(tmp_path, "non_text_messages: {answer: Text only please., answer_again_after_minutes: 2}\n")

    assert load_settings(path, environ={}).non_text == NonTextSettings("Text only please.", 2.0)
    overridden = load_settings(path, environ={"BRIGHTWAY_MEDIA_REPLY": "Words, please."}).non_text
    assert overridden.answer == "Words, please."
    with pytest.raises(SettingsError, match="non_text_messages.answer_again_after_minutes"):
        load_settings(write_settings(tmp_path, "non_text_messages: {answer_again_after_minutes: -1}\n"), environ={})
