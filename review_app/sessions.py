"""What the signed session cookie holds: the user's name and session generation, the CSRF token and
one-off messages."""

from __future__ import annotations

import hmac
import secrets
from typing import List, Optional, Tuple

from starlette.requests import Request

from review_app.accounts.user_store import User
from review_app.services import ReviewServices

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
GENERATION_FIELD = "generation"


def services_of(request: Request) -> ReviewServices:
    """The app's services."""
    return request.app.state.services


def current_user(request: Request) -> Optional[User]:
    """The logged-in user, checked against the user store on every request, so removing a user and
    ending their sessions (logout, password change) take effect at once."""
    username = request.session.get("user")
    if not username:
        return None
    user = services_of(request).users.get(username)
    if user is None or request.session.get(GENERATION_FIELD) != user.session_generation:
        return None
    return user


def log_in(request: Request, user: User) -> None:
    """Start a fresh session for `user` (a new CSRF token; nothing carried over from before)."""
    request.session.clear()
    request.session["user"] = user.username
    request.session[GENERATION_FIELD] = user.session_generation
    request.session[CSRF_FIELD] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    """End the user's sessions on the server (every browser's, as a copied cookie must not outlive a
    logout) and forget this one."""
    user = current_user(request)
    if user is not None:
        services_of(request).users.end_sessions(user.username)
    request.session.clear()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (the login form needs one too)."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return str(token)


def csrf_valid(request: Request, submitted: Optional[str]) -> bool:
    """True when `submitted` matches the session's token (compared in constant time)."""
    expected = request.session.get(CSRF_FIELD)
    if not expected or not submitted:
        return False
    return hmac.compare_digest(str(expected), str(submitted))


def flash(request: Request, level: str, text: str) -> None:
    """Queue a message ("info" or "error") for the next page the user sees."""
    messages = list(request.session.get("flash", []))
    messages.append([level, text])
    request.session["flash"] = messages[-5:]


def take_flashes(request: Request) -> List[Tuple[str, str]]:
    """The queued messages, removed from the session."""
    if "flash" not in request.session:
        return []
    return [(level, text) for level, text in request.session.pop("flash")]


def safe_next(target: Optional[str], default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
