"""Log in and submit forms the way a browser does: with the page's CSRF token."""

from __future__ import annotations

import re
from typing import Dict, Optional

import httpx
from starlette.testclient import TestClient

LEAD_PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page's forms."""
    found = _CSRF.search(html)
    assert found, "page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, username: str, password: str = LEAD_PASSWORD) -> httpx.Response:
    """Open the login page and submit it; returns the answer to the POST (not followed)."""
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False)


def submit(client: TestClient, page: str, action: str, data: Optional[Dict[str, str]] = None) -> httpx.Response:
    """Open `page`, then POST `data` to `action` with the page's CSRF token (not followed)."""
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**(data or {}), "csrf_token": token}, follow_redirects=False)
