"""Tests for review_app/server.py start-up on a database left by an older version: refused with
what to run before any sync can hang, and after the upgrade the app starts and finds old handoffs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import List

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from bot.records.database import SchemaOutdatedError
from bot.records.schema_migrations import upgrade_database
from review_app.config import ReviewConfig
from review_app.server import create_app, services_for
from tests.builders import ManualClock
from tests.pre_migration_store import build_pre_migration_store
from tests.review_app.sample_conversations import TrackerDatabase
from tests.review_app.test_cli import cli_env, run
from tests.review_app.web_client import LEAD_PASSWORD, log_in

START_UP_LIMIT_S = 30.0


def old_store_config(tmp_path: Path, tracker_db: TrackerDatabase) -> ReviewConfig:
    """Config on a database written by an older version of the project."""
    return ReviewConfig(
        database_url=build_pre_migration_store(tmp_path / "old.db"), tracker_database_url=tracker_db.url,
        secret_key="s" * 48, rasa_url="http://127.0.0.1:9", rasa_token="test-api-token",
    )


def test_an_old_store_is_refused_before_start_up(tmp_path: Path, tracker_db: TrackerDatabase,
                                                 clock: ManualClock, hasher: PasswordHasher) -> None:
    config = old_store_config(tmp_path, tracker_db)

    with pytest.raises(SchemaOutdatedError, match="made by an older version .* alembic upgrade head"):
        create_app(config, clock=clock, hasher=hasher)


def test_after_the_upgrade_the_app_starts_and_finds_old_handoffs(tmp_path: Path, tracker_db: TrackerDatabase,
                                                                 clock: ManualClock, hasher: PasswordHasher) -> None:
    config = old_store_config(tmp_path, tracker_db)
    upgrade_database(config.database_url)
    app = create_app(config, clock=clock, hasher=hasher)
    services_for(app).users.create("lea", "lead", LEAD_PASSWORD)
    started: List[TestClient] = []
    client = TestClient(app, base_url="https://testserver")
    starting = threading.Thread(target=lambda: started.append(client.__enter__()), daemon=True)

    starting.start()
    starting.join(timeout=START_UP_LIMIT_S)

    assert started, f"the app's start-up (digest and index sync) took over {START_UP_LIMIT_S:.0f} s"
    try:
        assert client.get("/login").status_code == 200
        log_in(client, "lea")
        page = client.get("/handoffs", params={"q": "kettle"}).text
        assert "H-NEWER" in page and "H-OLDER" in page and "H-RESOLVED" not in page
    finally:
        client.__exit__(None, None, None)


def test_the_command_line_reports_an_old_store_and_what_to_run(tmp_path: Path) -> None:
    url = build_pre_migration_store(tmp_path / "old.db")

    result = run(["create-user", "lea", "--role", "lead", "--password-stdin"], cli_env(url, tmp_path),
                 "a long enough password\n")

    assert result.returncode == 2
    assert result.stderr.startswith(f"Database problem: The database {url} was made by an older version")
    assert "alembic upgrade head" in result.stderr and "Traceback" not in result.stderr
