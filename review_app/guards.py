"""The checks in front of every handler: logged in, allowed by role, and (for forms) a valid CSRF token.

Browsers that fail a check get one of the app's pages with a way on (log in again, reload); other
clients get the same status with plain text.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Awaitable, Callable, List, Optional, Union
from urllib.parse import unquote, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Match

from review_app.accounts.access import allows
from review_app.rendering import render
from review_app.sessions import CSRF_FIELD, CSRF_HEADER, csrf_valid, current_user, safe_next

Handler = Callable[[Request], Union[Response, Awaitable[Response]]]
REQUIRED_PERMISSION = "required_permission"
# The free-text fields of the app's forms (console reply and resolution note, lead's note): shown
# back when a post is refused, so the words are not lost.
TYPED_TEXT_FIELDS = ("text", "note")
LOGIN_REQUIRED = "Log in first: this needs a review-app account."
LOGIN_CHALLENGE = {"WWW-Authenticate": 'FormLogin realm="review"'}
CSRF_REFUSED = "This form is missing its security token or it has expired. Reload the page and try again."


def guarded(permission: str, download: bool = False) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler: anonymous page views go to the login page, anonymous downloads and forms
    get 401, users without `permission` get 403, and POSTs without the session's CSRF token get 403.

    Sync handlers run in the thread pool; the parsed form is in `request.state.form`. The endpoint
    keeps `permission` as its `required_permission`, for `may_open`.
    """
    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                return await _anonymous(request, download)
            request.state.user = user
            if not allows(user.role, permission):
                return render(request, "error.html", {"title": "Not allowed",
                              "message": "Your role does not give access to this page."}, status_code=403)
            if request.method == "POST":
                form = await request.form()
                request.state.form = form
                if not csrf_valid(request, form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)):
                    return csrf_failure(request, form)
            if inspect.iscoroutinefunction(handler):
                return await handler(request)
            return await run_in_threadpool(handler, request)

        setattr(endpoint, REQUIRED_PERMISSION, permission)
        return endpoint

    return wrap


def may_open(request: Request, role: str, target: str) -> bool:
    """True when a user with `role` may open the page at `target`, a path on this site (unknown
    paths and pages that are not GET pages: False), judged by the guard of the route it leads to."""
    scope = {"type": "http", "method": "GET", "path": unquote(urlsplit(target).path), "root_path": ""}
    for route in request.app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            permission = getattr(getattr(route, "endpoint", None), REQUIRED_PERMISSION, None)
            return permission is None or allows(role, permission)
    return False


def wants_html(request: Request) -> bool:
    """True for a browser (it asks for HTML): refusals get a page with links rather than plain text."""
    return "text/html" in request.headers.get("accept", "")


def csrf_failure(request: Request, form: Optional[FormData] = None) -> Response:
    """The answer to a form without a valid CSRF token: browsers get a page that links back to the
    form's page and shows what was typed."""
    if not wants_html(request):
        return PlainTextResponse(CSRF_REFUSED, status_code=403)
    return render(request, "form_expired.html", {
        "back": _form_page(request, form), "typed": _typed_text(form),
    }, status_code=403)


async def _anonymous(request: Request, download: bool) -> Response:
    """Redirect page views to the login page; refuse everything else with 401 (for browsers, a page
    that links to the login and back, and shows what a refused form held)."""
    if request.method == "GET" and not download:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(_login_url(here), status_code=303)
    if not wants_html(request):
        return PlainTextResponse(LOGIN_REQUIRED, status_code=401, headers=LOGIN_CHALLENGE)
    form = await request.form() if request.method == "POST" else None
    back = _form_page(request, form)
    page = render(request, "session_ended.html", {
        "login_url": _login_url(back), "back": back, "typed": _typed_text(form),
    }, status_code=401)
    page.headers.update(LOGIN_CHALLENGE)
    return page


def _login_url(target: str) -> str:
    """The login page that sends the user on to `target`."""
    return f"/login?{urlencode({'next': target})}"


def _form_page(request: Request, form: Optional[FormData]) -> str:
    """The page a form was sent from: its `next` field, else the referring page on this site, else the start page."""
    stated = form.get("next") if form is not None else None
    if isinstance(stated, str) and stated:
        return safe_next(stated, "/")
    referrer = urlsplit(request.headers.get("referer", ""))
    if referrer.netloc and referrer.netloc != request.url.netloc:
        return "/"
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""), "/")


def _typed_text(form: Optional[FormData]) -> List[str]:
    """The non-empty free text of a refused form."""
    if form is None:
        return []
    values = (form.get(field) for field in TYPED_TEXT_FIELDS)
    return [value for value in values if isinstance(value, str) and value.strip()]


def form_value(request: Request, name: str, default: str = "") -> str:
    """A text field of the form the guard parsed."""
    value: Any = request.state.form.get(name, default)
    return value if isinstance(value, str) else default
