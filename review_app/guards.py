"""The checks in front of every handler: logged in, allowed by role, and (for forms) a valid CSRF token."""

from __future__ import annotations

import functools
import inspect
from typing import Any, Awaitable, Callable, Union
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from review_app.accounts.access import allows
from review_app.rendering import render
from review_app.sessions import CSRF_FIELD, CSRF_HEADER, csrf_valid, current_user

Handler = Callable[[Request], Union[Response, Awaitable[Response]]]


def guarded(permission: str, download: bool = False) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler: anonymous page views go to the login page, anonymous downloads and forms
    get 401, users without `permission` get 403, and POSTs without the session's CSRF token get 403.

    Sync handlers run in the thread pool; the parsed form is in `request.state.form`.
    """
    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                return _anonymous(request, download)
            request.state.user = user
            if not allows(user.role, permission):
                return render(request, "error.html", {"title": "Not allowed",
                              "message": "Your role does not give access to this page."}, status_code=403)
            if request.method == "POST":
                form = await request.form()
                request.state.form = form
                if not csrf_valid(request, form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)):
                    return csrf_failure(request)
            if inspect.iscoroutinefunction(handler):
                return await handler(request)
            return await run_in_threadpool(handler, request)

        return endpoint

    return wrap


def csrf_failure(request: Request) -> Response:
    """The answer to a form without a valid CSRF token."""
    return PlainTextResponse(
        "This form is missing its security token or it has expired. Reload the page and try again.",
        status_code=403,
    )


def _anonymous(request: Request, download: bool) -> Response:
    """Redirect page views to the login page; refuse everything else with 401."""
    if request.method == "GET" and not download:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    return PlainTextResponse("Log in first: this needs a review-app account.", status_code=401,
                             headers={"WWW-Authenticate": 'FormLogin realm="review"'})


def form_value(request: Request, name: str, default: str = "") -> str:
    """A text field of the form the guard parsed."""
    value: Any = request.state.form.get(name, default)
    return value if isinstance(value, str) else default
