"""Tests for review_app/sessions.py through the real app: logging out and changing a password end the
user's sessions on the server, so a copied session cookie stops working at once."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.testclient import TestClient

from review_app.accounts.user_store import UserStore
from review_app.server import SESSION_COOKIE
from tests.review_app.conftest import services
from tests.review_app.test_cli import cli_env, run
from tests.review_app.web_client import LEAD_PASSWORD, log_in, submit


def replay(client: TestClient, cookie: str, path: str = "/handoffs") -> int:
    """GET `path` with nothing but a saved session cookie; the status code."""
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)
    return client.get(path, follow_redirects=False).status_code


def test_a_session_cookie_saved_before_logout_no_longer_works(lead: TestClient) -> None:
    saved = lead.cookies[SESSION_COOKIE]

    response = submit(lead, "/handoffs", "/logout")

    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert replay(lead, saved) == 303


def test_logging_out_ends_the_users_sessions_in_other_browsers_too(
        lead: TestClient, make_client: Callable[[], TestClient]) -> None:
    other = make_client()
    log_in(other, "lea")
    colleague = make_client()
    log_in(colleague, "adam")

    submit(lead, "/handoffs", "/logout")

    assert other.get("/handoffs", follow_redirects=False).status_code == 303
    assert colleague.get("/console", follow_redirects=False).status_code == 200


def test_logging_in_again_after_logout_works(lead: TestClient) -> None:
    submit(lead, "/handoffs", "/logout")

    assert log_in(lead, "lea").status_code == 303
    assert lead.get("/handoffs", follow_redirects=False).status_code == 200


def test_changing_a_password_on_the_command_line_ends_the_users_sessions(
        lead: TestClient, database_url: str, tmp_path: Path) -> None:
    saved = lead.cookies[SESSION_COOKIE]

    changed = run(["set-password", "lea", "--password-stdin"], cli_env(database_url, tmp_path), "a new long password\n")

    assert changed.returncode == 0, changed.stderr
    assert lead.get("/handoffs", follow_redirects=False).status_code == 303
    assert replay(lead, saved) == 303
    assert log_in(lead, "lea", "a new long password").status_code == 303
    assert lead.get("/handoffs", follow_redirects=False).status_code == 200


def test_a_login_that_upgrades_the_password_hash_keeps_the_session(app: Starlette, client: TestClient) -> None:
    weaker = UserStore(services(app).engine, PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=2))
    weaker.set_password("lea", LEAD_PASSWORD)

    assert log_in(client, "lea").status_code == 303
    assert client.get("/handoffs", follow_redirects=False).status_code == 200
