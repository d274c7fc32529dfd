"""Log in (rate-limited), log out, and the home page that sends each role to its start page."""

from __future__ import annotations

import math

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from review_app.accounts.access import DESK, REVIEW, home_for
from review_app.accounts.user_store import User
from review_app.guards import guarded, may_open
from review_app.rendering import render
from review_app.sessions import CSRF_FIELD, csrf_valid, current_user, log_in, log_out, safe_next, services_of

START_PAGES = {REVIEW: "/handoffs", DESK: "/console"}
LOGIN_FORM_EXPIRED = "This login form had expired. Enter your user name and password again."


async def home(request: Request) -> Response:
    """Send the user to their role's start page (or to the login page)."""
    user = current_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(START_PAGES[home_for(user.role)], status_code=303)


async def login_page(request: Request) -> Response:
    """The login form."""
    return render(request, "login.html", {"next": request.query_params.get("next", ""), "error": ""})


async def login(request: Request) -> Response:
    """Check the password; too many failures for a name or address lock it for a while."""
    form = await request.form()
    next_page = str(form.get("next", ""))
    if not csrf_valid(request, str(form.get(CSRF_FIELD, ""))):
        return render(request, "login.html", {"next": next_page, "error": LOGIN_FORM_EXPIRED}, status_code=403)
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:1024]
    address = request.client.host if request.client else "unknown"
    services = services_of(request)
    wait = services.throttle.wait_time(username, address)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        message = f"Too many failed logins. Try again in {minutes} minute{'s' if minutes > 1 else ''}."
        return render(request, "login.html", {"next": next_page, "error": message}, status_code=429)
    user = await run_in_threadpool(services.users.authenticate, username, password)
    if user is None:
        services.throttle.record_failure(username, address)
        return render(request, "login.html", {"next": next_page, "error": "Wrong user name or password."},
                      status_code=401)
    services.throttle.record_success(username)
    log_in(request, user)
    return RedirectResponse(_landing_page(request, user, next_page), status_code=303)


def _landing_page(request: Request, user: User, next_page: str) -> str:
    """Where a login leads: the page the user was going to if their role may open it, else their start page."""
    start = START_PAGES[home_for(user.role)]
    target = safe_next(next_page, start)
    return target if may_open(request, user.role, target) else start


async def logout_page(request: Request) -> Response:
    """A logout button for a typed-in /logout (logging out is a form post); the login page when logged out."""
    if current_user(request) is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "logout.html", {})


@guarded(DESK)
def logout(request: Request) -> Response:
    """End the user's sessions."""
    log_out(request)
    return RedirectResponse("/login", status_code=303)


routes = [
    Route("/", home, methods=["GET"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout_page, methods=["GET"]),
    Route("/logout", logout, methods=["POST"]),
]
