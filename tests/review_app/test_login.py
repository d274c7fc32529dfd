"""Tests for review_app/routes/login.py: where a login leads, an expired login form, and /logout typed in
the address bar."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.review_app.web_client import LEAD_PASSWORD, csrf_from, log_in, submit


def log_in_going_to(client: TestClient, username: str, next_page: str) -> str:
    """Log in from the login page that `next_page` sent the user to; where the login leads."""
    token = csrf_from(client.get("/login", params={"next": next_page}).text)
    response = client.post("/login", data={"username": username, "password": LEAD_PASSWORD, "next": next_page,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"]


@pytest.mark.parametrize("username, next_page, landing", [
    ("adam", "/metrics", "/console"),
    ("adam", "/handoffs?status=open", "/console"),
    ("adam", "/handoffs/H-AAAAAAAA", "/console"),
    ("adam", "/exports/handoffs.csv", "/console"),
    ("adam", "/console/H-AAAAAAAA", "/console/H-AAAAAAAA"),
    ("lea", "/metrics?since=2026-11-01", "/metrics?since=2026-11-01"),
    ("lea", "/console", "/console"),
    ("lea", "/no/such/page", "/handoffs"),
    ("lea", "/conversations/tags", "/handoffs"),
])
def test_a_login_leads_where_the_user_was_going_only_if_their_role_may_open_it(
        client: TestClient, username: str, next_page: str, landing: str) -> None:
    assert log_in_going_to(client, username, next_page) == landing


def test_an_agent_sent_to_the_login_from_metrics_lands_on_the_console_not_a_403(client: TestClient) -> None:
    sent = client.get("/metrics", follow_redirects=False).headers["location"]
    assert sent == "/login?next=%2Fmetrics"

    landing = log_in_going_to(client, "adam", "/metrics")

    page = client.get(landing)
    assert page.status_code == 200 and "Agent console" in page.text


def test_an_expired_login_form_shows_the_login_form_again(client: TestClient) -> None:
    stale = csrf_from(client.get("/login", params={"next": "/metrics"}).text)
    client.cookies.clear()

    refused = client.post("/login", data={"username": "lea", "password": LEAD_PASSWORD, "next": "/metrics",
                                          "csrf_token": stale}, follow_redirects=False)

    assert refused.status_code == 403
    assert "This login form had expired. Enter your user name and password again." in refused.text
    assert 'name="next" value="/metrics"' in refused.text
    retry = client.post("/login", data={"username": "lea", "password": LEAD_PASSWORD, "next": "/metrics",
                                        "csrf_token": csrf_from(refused.text)}, follow_redirects=False)
    assert retry.status_code == 303 and retry.headers["location"] == "/metrics"


def test_logout_typed_in_the_address_bar_offers_the_logout_button(lead: TestClient) -> None:
    page = lead.get("/logout")

    assert page.status_code == 200
    assert '<form method="post" action="/logout"' in page.text
    assert submit(lead, "/logout", "/logout").headers["location"] == "/login"
    assert lead.get("/handoffs", follow_redirects=False).status_code == 303


def test_logout_typed_in_when_logged_out_goes_to_the_login_page(client: TestClient) -> None:
    response = client.get("/logout", follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert log_in(client, "lea").status_code == 303
