"""HTML pages from Jinja2 templates with autoescaping on, plus the formatting filters they use."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Optional

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.handoff.escalation import reason_in_words
from review_app.sessions import csrf_token, current_user, take_flashes

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def build_environment() -> jinja2.Environment:
    """The template environment: every value escaped unless a template says otherwise (none do)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["when"] = format_time
    environment.filters["duration"] = format_duration
    environment.filters["score"] = format_score
    environment.filters["reason"] = reason_in_words
    return environment


def render(request: Request, template: str, context: Dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render `template` with the user, CSRF token and flashed messages every page needs."""
    environment: jinja2.Environment = request.app.state.templates
    user = getattr(request.state, "user", None) or current_user(request)
    page = environment.get_template(template).render(
        request=request, user=user, csrf_token=csrf_token(request), flashes=take_flashes(request), **context
    )
    return HTMLResponse(page, status_code=status_code, headers={"Cache-Control": "no-store"})


def format_time(moment: Optional[Any]) -> str:
    """"2026-11-25 12:00:05 UTC" for a datetime or ISO text; "—" when unknown."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            return moment
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def format_duration(seconds: Optional[float]) -> str:
    """"4 min 05 s", "2 h 03 min" or "12 s"; "—" when unknown."""
    if seconds is None:
        return "—"
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def format_score(value: Optional[float]) -> str:
    """A 0-1 score with two decimals; "—" when unknown."""
    return "—" if value is None else f"{float(value):.2f}"
