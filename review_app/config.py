"""Review-app configuration from `settings.yml` and the environment, read in one explicit step."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from bot.secret_file import read_or_create_secret
from bot.server.local_ports import rasa_url as local_rasa_url
from bot.server.rasa_http_api import api_token
from bot.settings import REPO_ROOT, Settings, SettingsError, load_settings, resolve_sqlite_path
from review_app.accounts.login_throttle import ThrottleLimits

VAR_DIR = REPO_ROOT / "var"
DEFAULT_TRACKER_DB_URL = "sqlite:///var/tracker.db"
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class ReviewConfig:
    """Everything the review app needs to start."""

    database_url: str
    tracker_database_url: str
    secret_key: str
    rasa_url: str
    rasa_token: str
    frustration_threshold: float = 0.5
    low_confidence: float = 0.5
    page_size: int = 50
    session_hours: float = 12.0
    secure_cookies: bool = True
    throttle: ThrottleLimits = field(default_factory=ThrottleLimits)


def load_review_config(
    environ: Optional[Mapping[str, str]] = None,
    settings: Optional[Settings] = None,
    var_dir: Path = VAR_DIR,
) -> ReviewConfig:
    """Read the configuration; raises `SettingsError` with what to fix when a value is wrong.

    Env: BRIGHTWAY_DB_URL, BRIGHTWAY_TRACKER_DB_URL, BRIGHTWAY_REVIEW_SECRET, BRIGHTWAY_RASA_URL
    (default http://127.0.0.1:$BRIGHTWAY_RASA_PORT), RASA_API_TOKEN, BRIGHTWAY_REVIEW_LOW_CONFIDENCE.
    """
    env = os.environ if environ is None else environ
    settings = settings or load_settings(environ=env)
    return ReviewConfig(
        database_url=settings.database_url,
        tracker_database_url=resolve_sqlite_path(env.get("BRIGHTWAY_TRACKER_DB_URL", DEFAULT_TRACKER_DB_URL)),
        secret_key=review_secret(var_dir, env),
        rasa_url=env.get("BRIGHTWAY_RASA_URL") or local_rasa_url(env),
        rasa_token=api_token(var_dir, env),
        frustration_threshold=settings.frustration.threshold,
        low_confidence=_confidence(env.get("BRIGHTWAY_REVIEW_LOW_CONFIDENCE", "0.5")),
    )


def review_secret(var_dir: Path, environ: Mapping[str, str]) -> str:
    """The session-signing secret: `BRIGHTWAY_REVIEW_SECRET`, else one generated once into `var/`."""
    configured = environ.get("BRIGHTWAY_REVIEW_SECRET")
    if configured is not None:
        if len(configured) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"BRIGHTWAY_REVIEW_SECRET must be at least {MIN_SECRET_LENGTH} characters; generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, or unset it to use var/review_secret."
            )
        return configured
    return read_or_create_secret(var_dir / "review_secret")


def _confidence(value: str) -> float:
    """Parse the low-confidence threshold (0..1) or explain what is wrong."""
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"BRIGHTWAY_REVIEW_LOW_CONFIDENCE must be a number between 0 and 1, got {value!r}.") from None
    if not 0.0 <= number <= 1.0:
        raise SettingsError(f"BRIGHTWAY_REVIEW_LOW_CONFIDENCE must be between 0 and 1, got {number}.")
    return number
