"""Access control: login on every route, roles, CSRF on every form, rate-limited logins, cookie flags."""

from __future__ import annotations

import re
from typing import List, Tuple

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.builders import ManualClock
from tests.review_app.conftest import services
from tests.review_app.web_client import LEAD_PASSWORD, csrf_from, log_in, submit

PUBLIC = {("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("GET", "/logout")}
SAMPLE_PARAMS = {"handoff_id": "H-AAAAAAAA", "format": "csv", "name": "nps"}


def concrete_routes(app: Starlette) -> List[Tuple[str, str]]:
    """(method, path) of every route of the app, path parameters filled with sample values."""
    found = []
    for route in app.routes:
        if not isinstance(route, Route):
            continue
        path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: SAMPLE_PARAMS[m.group(1)], route.path)
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, path))
    return found


def test_every_route_is_known_to_this_test(app: Starlette) -> None:
    routes = concrete_routes(app)
    assert len(routes) >= 20
    assert ("GET", "/exports/handoffs.csv") in routes and ("POST", "/console/H-AAAAAAAA/claim") in routes


def test_anonymous_page_views_redirect_to_login_and_everything_else_is_401(app: Starlette, client: TestClient) -> None:
    for method, path in concrete_routes(app):
        if (method, path) in PUBLIC:
            continue
        response = client.request(method, path, follow_redirects=False)
        is_download = path.startswith("/exports/") or path.endswith(".svg")
        if method == "GET" and not is_download:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/login?next="), (method, path)
        else:
            assert response.status_code == 401, (method, path, response.status_code)


def test_login_page_remembers_where_the_user_was_going(client: TestClient) -> None:
    response = client.get("/handoffs?status=open", follow_redirects=False)
    assert response.headers["location"] == "/login?next=%2Fhandoffs%3Fstatus%3Dopen"
    answer = client.post("/login", data={"username": "lea", "password": LEAD_PASSWORD, "next": "/handoffs?status=open",
                                         "csrf_token": csrf_from(client.get("/login?next=x").text)},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/handoffs?status=open"


def test_login_refuses_to_redirect_off_site(client: TestClient) -> None:
    token = csrf_from(client.get("/login").text)
    answer = client.post("/login", data={"username": "lea", "password": LEAD_PASSWORD, "next": "//evil.example/x",
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.headers["location"] == "/handoffs"


def test_every_form_post_without_the_csrf_token_is_rejected(app: Starlette, lead: TestClient) -> None:
    posts = [path for method, path in concrete_routes(app) if method == "POST" and path != "/login"]
    assert len(posts) >= 7
    for path in posts:
        for data in ({}, {"csrf_token": "forged"}):
            response = lead.post(path, data={**data, "conversation_id": "c1", "tag": "x"}, follow_redirects=False)
            assert response.status_code == 403, (path, data)
            assert "security token" in response.text
    assert services(app).reviews.tags("c1") == []
    assert lead.get("/handoffs").status_code == 200


def test_login_without_the_csrf_token_is_rejected(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "lea", "password": LEAD_PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/handoffs", follow_redirects=False).status_code == 303


def test_wrong_passwords_are_rate_limited_per_user(client: TestClient, clock: ManualClock) -> None:
    for _ in range(5):
        response = log_in(client, "lea", "wrong password!")
        assert response.status_code == 401 and "Wrong user name or password" in response.text
    locked = log_in(client, "lea", LEAD_PASSWORD)
    assert locked.status_code == 429 and "Too many failed logins. Try again in 15 minutes." in locked.text
    assert log_in(client, "LEA", LEAD_PASSWORD).status_code == 429
    clock.advance(minutes=15, seconds=1)
    assert log_in(client, "lea", LEAD_PASSWORD).status_code == 303


def test_a_locked_name_does_not_lock_other_users(client: TestClient) -> None:
    for _ in range(5):
        log_in(client, "lea", "wrong password!")
    assert log_in(client, "adam").status_code == 303


def test_many_names_from_one_address_are_rate_limited(client: TestClient) -> None:
    for index in range(20):
        assert log_in(client, f"guess{index}", "wrong password!").status_code == 401
    assert log_in(client, "adam").status_code == 429


def test_unknown_users_get_the_same_answer_as_wrong_passwords(client: TestClient) -> None:
    unknown = log_in(client, "nobody", "whatever password")
    wrong = log_in(client, "lea", "whatever password")
    assert unknown.status_code == wrong.status_code == 401
    assert "Wrong user name or password." in unknown.text and "Wrong user name or password." in wrong.text


def test_session_cookie_is_signed_http_only_secure_and_same_site(client: TestClient) -> None:
    response = log_in(client, "lea")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("brightway_review=")
    flags = cookie.lower()
    assert "httponly" in flags and "secure" in flags and "samesite=lax" in flags
    assert LEAD_PASSWORD not in cookie


def test_a_tampered_session_cookie_is_ignored(client: TestClient) -> None:
    log_in(client, "lea")
    value = client.cookies["brightway_review"]
    client.cookies.clear()
    client.cookies.set("brightway_review", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert client.get("/handoffs", follow_redirects=False).status_code == 303


def test_logging_in_starts_a_new_session(client: TestClient) -> None:
    before = csrf_from(client.get("/login").text)
    log_in(client, "lea")
    after = csrf_from(client.get("/handoffs").text)
    assert before != after


def test_logout_ends_the_session(lead: TestClient) -> None:
    response = submit(lead, "/handoffs", "/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert lead.get("/handoffs", follow_redirects=False).status_code == 303


def test_removed_users_lose_access_at_once(app: Starlette, lead: TestClient) -> None:
    from review_app.accounts.user_store import users_table

    with services(app).engine.begin() as connection:
        connection.execute(users_table.delete().where(users_table.c.username == "lea"))
    assert lead.get("/handoffs", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path", ["/handoffs", "/conversations", "/metrics", "/handoffs/H-AAAAAAAA",
                                  "/conversations/view?id=x", "/exports/handoffs.csv", "/exports/nlu-candidates.yml",
                                  "/metrics/nps.svg"])
def test_agents_cannot_open_review_pages_or_exports(client: TestClient, path: str) -> None:
    log_in(client, "adam")
    assert client.get(path).status_code == 403


def test_agents_cannot_tag_note_or_mark_reviewed(client: TestClient, app: Starlette) -> None:
    log_in(client, "adam")
    for action in ("/conversations/tags", "/conversations/notes", "/conversations/reviewed"):
        response = submit(client, "/console", action, {"conversation_id": "c1", "tag": "x", "text": "note"})
        assert response.status_code == 403
    assert services(app).reviews.tags("c1") == [] and services(app).reviews.review("c1") is None


def test_agents_land_on_the_console_and_leads_on_the_handoffs(client: TestClient, make_client) -> None:
    assert log_in(client, "adam").headers["location"] == "/console"
    assert client.get("/", follow_redirects=False).headers["location"] == "/console"
    other = make_client()
    assert log_in(other, "lea").headers["location"] == "/handoffs"
    assert other.get("/console").status_code == 200


def test_pages_forbid_scripts_and_framing(lead: TestClient) -> None:
    headers = lead.get("/handoffs").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"


def test_the_stylesheet_needs_no_login(client: TestClient) -> None:
    response = client.get("/static/review.css")
    assert response.status_code == 200 and "text/css" in response.headers["content-type"]
