"""Tests for review_app/config.py: defaults that run locally, secrets that fail fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import REPO_ROOT, Settings, SettingsError
from bot.settings import resolve_sqlite_path
from review_app.config import load_review_config


def test_local_defaults(tmp_path: Path) -> None:
    config = load_review_config(environ={}, settings=Settings(database_url="sqlite:////x/b.db"), var_dir=tmp_path)
    assert config.tracker_database_url == f"sqlite:///{REPO_ROOT}/var/tracker.db"
    assert config.rasa_url == "http://127.0.0.1:5005" and config.secure_cookies
    assert config.secret_key == (tmp_path / "review_secret").read_text().strip()
    assert config.rasa_token == (tmp_path / "api_token").read_text().strip()
    again = load_review_config(environ={}, settings=Settings(), var_dir=tmp_path)
    assert again.secret_key == config.secret_key


def test_environment_overrides(tmp_path: Path) -> None:
    config = load_review_config(environ={
        "BRIGHTWAY_REVIEW_SECRET": "k" * 40, "BRIGHTWAY_TRACKER_DB_URL": "postgresql://r@db/tracker",
        "BRIGHTWAY_RASA_PORT": "5105", "RASA_API_TOKEN": "tok", "BRIGHTWAY_REVIEW_LOW_CONFIDENCE": "0.7",
    }, settings=Settings(), var_dir=tmp_path)
    assert config.secret_key == "k" * 40 and config.tracker_database_url == "postgresql://r@db/tracker"
    assert config.rasa_url == "http://127.0.0.1:5105" and config.rasa_token == "tok" and config.low_confidence == 0.7
    assert not (tmp_path / "review_secret").exists()


@pytest.mark.parametrize("environ, message", [
    ({"BRIGHTWAY_REVIEW_SECRET": "short"}, "at least 32 characters"),
    ({"BRIGHTWAY_REVIEW_SECRET": ""}, "at least 32 characters"),
    ({"BRIGHTWAY_REVIEW_LOW_CONFIDENCE": "high"}, "must be a number between 0 and 1"),
    ({"BRIGHTWAY_REVIEW_LOW_CONFIDENCE": "1.5"}, "must be between 0 and 1"),
])
def test_bad_values_fail_fast_with_a_reason(tmp_path: Path, environ: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_review_config(environ=environ, settings=Settings(), var_dir=tmp_path)


def test_relative_sqlite_paths_are_relative_to_the_repo() -> None:
    assert resolve_sqlite_path("sqlite:///var/t.db") == f"sqlite:///{REPO_ROOT}/var/t.db"
    assert resolve_sqlite_path("sqlite:////abs/t.db") == "sqlite:////abs/t.db"
    assert resolve_sqlite_path("postgresql://x/y") == "postgresql://x/y"
