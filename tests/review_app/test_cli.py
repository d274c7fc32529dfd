"""Tests for `python -m review_app` user commands, run as a user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict

from argon2 import PasswordHasher

from bot.records.database import create_database_engine
from bot.settings import REPO_ROOT
from review_app.accounts.user_store import UserStore


def run(args: list, env: Dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    """Run the review app's command line in a subprocess, with no terminal (as from a script)."""
    return subprocess.run([sys.executable, "-m", "review_app", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=REPO_ROOT, timeout=120, start_new_session=True)


def cli_env(database_url: str, tmp_path: Path) -> Dict[str, str]:
    """The environment with the test's database and a review secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIGHTWAY_")}
    env.update({"BRIGHTWAY_DB_URL": database_url, "BRIGHTWAY_REVIEW_SECRET": "z" * 40,
                "RASA_API_TOKEN": "t"})
    return env


def test_create_user_and_set_password_from_stdin(database_url: str, tmp_path: Path) -> None:
    env = cli_env(database_url, tmp_path)
    created = run(["create-user", "Lea", "--role", "lead", "--password-stdin"], env, "a long enough password\n")
    assert created.returncode == 0 and created.stdout.strip() == "Created lead lea."
    duplicate = run(["create-user", "lea", "--role", "agent", "--password-stdin"], env, "a long enough password\n")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
    changed = run(["set-password", "lea", "--password-stdin"], env, "another long password\n")
    assert changed.returncode == 0
    users = UserStore(create_database_engine(database_url), PasswordHasher())
    assert users.authenticate("lea", "another long password").role == "lead"


def test_weak_password_and_bad_role_are_refused(database_url: str, tmp_path: Path) -> None:
    env = cli_env(database_url, tmp_path)
    weak = run(["create-user", "adam", "--role", "agent", "--password-stdin"], env, "short\n")
    assert weak.returncode == 1 and "at least 10 characters" in weak.stderr
    role = run(["create-user", "adam", "--role", "boss", "--password-stdin"], env, "a long enough password\n")
    assert role.returncode == 2 and "invalid choice: 'boss'" in role.stderr


def test_a_password_piped_without_password_stdin_gets_a_clear_error(database_url: str, tmp_path: Path) -> None:
    env = cli_env(database_url, tmp_path)

    result = run(["create-user", "adam", "--role", "agent"], env, "a long enough password\n")

    assert result.returncode == 1
    assert "No password was typed" in result.stderr and "--password-stdin" in result.stderr
    assert "Traceback" not in result.stderr
    users = UserStore(create_database_engine(database_url), PasswordHasher())
    assert users.authenticate("adam", "a long enough password") is None


def test_bad_configuration_is_reported(database_url: str, tmp_path: Path) -> None:
    env = {**cli_env(database_url, tmp_path), "BRIGHTWAY_REVIEW_SECRET": "short"}
    result = run(["create-user", "adam", "--role", "agent", "--password-stdin"], env, "a long enough password\n")
    assert result.returncode == 2 and "Configuration problem: BRIGHTWAY_REVIEW_SECRET" in result.stderr


def test_seeding_without_a_reachable_assistant_says_so_without_a_traceback(database_url: str, tmp_path: Path) -> None:
    env = cli_env(database_url, tmp_path)

    for url in ("http://127.0.0.1:9", "notaurl"):
        result = run(["seed", "--rasa-url", url, "--conversations", "1"], env)

        assert result.returncode == 1
        assert f"Could not talk to the assistant at {url}" in result.stderr and "make run" in result.stderr
        assert "Traceback" not in result.stderr


def test_bad_counts_and_ports_are_usage_errors_before_anything_starts(database_url: str, tmp_path: Path) -> None:
    env = cli_env(database_url, tmp_path)

    negative = run(["seed", "--conversations", "-3"], env)
    not_a_number = run(["seed", "--conversations", "x"], env)
    port = run(["serve", "--port", "99999"], env)

    assert negative.returncode == 2 and "at least 1, got -3" in negative.stderr
    assert not_a_number.returncode == 2 and "expected a whole number, got 'x'" in not_a_number.stderr
    assert port.returncode == 2 and "from 1 to 65535, got 99999" in port.stderr
