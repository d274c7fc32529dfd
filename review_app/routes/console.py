"""The agent console: the queue oldest first, claim, reply and resolve, all through `DeskService`."""

from __future__ import annotations

import functools
import logging
from typing import Awaitable, Callable, Tuple


from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.handoff.store import ACTIVE_STATUSES, ClaimResult, HandoffError
from desk.service import ASSISTANT_FAILURES, MAX_REPLY_CHARACTERS
from review_app.accounts.access import DESK
from review_app.conversations.timeline import timeline_from_events, timeline_from_snapshot
from review_app.guards import form_value, guarded
from review_app.rendering import render
from review_app.sessions import flash, services_of

logger = logging.getLogger(__name__)



@guarded(DESK)
def queue(request: Request) -> Response:
    """Waiting and claimed handoffs, oldest first."""
    services = services_of(request)
    return render(request, "console.html", {"queue": services.handoffs.queue()})


@guarded(DESK)
async def handoff(request: Request) -> Response:
    """One handoff with the live conversation (the stored transcript if Rasa cannot be reached)."""
    services = services_of(request)
    desk = services.desk
    try:
        current = desk.handoffs.get(request.path_params["handoff_id"])
    except KeyError:
        return render(request, "error.html", {"title": "Not found", "message": "There is no handoff with this reference."},
                      status_code=404)
    warning = ""
    try:
        timeline = timeline_from_events(await desk.conversation_events(current.id))
    except ASSISTANT_FAILURES as error:
        logger.warning("Console could not read the conversation of %s: %s", current.id, error)
        warning = "The assistant could not be reached, so this shows the transcript stored at handoff."
        timeline = timeline_from_snapshot(current.transcript)
    return render(request, "console_handoff.html", {
        "handoff": current, "timeline": timeline, "warning": warning,
        "threshold": services.config.frustration_threshold, "max_reply": MAX_REPLY_CHARACTERS,
    })


@guarded(DESK)
def claim(request: Request) -> Response:
    """Claim for the current user; if someone else was first, say who has it."""
    desk = services_of(request).desk
    handoff_id = request.path_params["handoff_id"]
    username = request.state.user.username
    try:
        result = desk.claim(handoff_id, username)
    except KeyError:
        flash(request, "error", f"There is no handoff {handoff_id}.")
        return RedirectResponse("/console", status_code=303)
    level, message = _claim_outcome(result, username)
    flash(request, level, message)
    return RedirectResponse(f"/console/{handoff_id}", status_code=303)


def _claim_outcome(result: ClaimResult, username: str) -> Tuple[str, str]:
    """What a claim tells the agent: the state first, so a closed handoff is never "yours"."""
    handoff = result.handoff
    if result.claimed:
        return "info", f"You have {handoff.id}. The customer is waiting for your reply."
    if handoff.status not in ACTIVE_STATUSES:
        return "error", f"{handoff.id} is {handoff.status}; nothing to claim."
    if handoff.claimed_by == username:
        return "info", f"You already have {handoff.id}."
    return "error", f"{handoff.id} is already being handled by {handoff.claimed_by}."


@guarded(DESK)
async def reply(request: Request) -> Response:
    """Send the agent's message to the customer on their channel."""
    desk = services_of(request).desk
    handoff_id = request.path_params["handoff_id"]
    done = await _desk_step(request, desk.reply(handoff_id, request.state.user.username, form_value(request, "text")),
                            "The reply could not be delivered: the assistant did not accept it. Try again in a moment.")
    if done:
        flash(request, "info", "Reply sent to the customer.")
    return RedirectResponse(f"/console/{handoff_id}", status_code=303)


@guarded(DESK)
async def resolve(request: Request) -> Response:
    """Close the handoff; the bot takes the conversation back and says so."""
    desk = services_of(request).desk
    handoff_id = request.path_params["handoff_id"]
    done = await _desk_step(request, desk.resolve(handoff_id, request.state.user.username, form_value(request, "note")),
                            "The assistant could not take the conversation back; it is still open. Try again.")
    if not done:
        return RedirectResponse(f"/console/{handoff_id}", status_code=303)
    flash(request, "info", f"{handoff_id} resolved; the bot has the conversation again.")
    return RedirectResponse("/console", status_code=303)


async def _desk_step(request: Request, step: Awaitable[object], unreachable: str) -> bool:
    """Run a desk operation; flash why it failed (the desk's own words, or `unreachable`)."""
    try:
        await step
    except (HandoffError, KeyError) as error:
        flash(request, "error", _message(error))
        return False
    except ASSISTANT_FAILURES as error:
        logger.warning("Console action on %s failed: %s", request.url.path, error)
        flash(request, "error", unreachable)
        return False
    return True


def _message(error: Exception) -> str:
    """The user-facing text of a desk error (KeyError wraps its message in quotes)."""
    return str(error.args[0]) if error.args else str(error)


def _unreadable_form_page(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Answer a form the framework refuses to read (a field over its 1 MB limit, too many fields)
    with the app's own error page instead of a bare text/plain 400; nothing was done with it."""
    @functools.wraps(endpoint)
    async def checked(request: Request) -> Response:
        try:
            return await endpoint(request)
        except HTTPException as error:
            if error.status_code != 400:
                raise
            return render(request, "error.html", {"title": "Form not accepted", "message": (
                f"The form could not be read ({error.detail}), so nothing was sent or changed. A reply can "
                f"have at most {MAX_REPLY_CHARACTERS:,} characters: go back, shorten it and send it again.")},
                status_code=400)

    return checked


routes = [
    Route("/console", queue, methods=["GET"]),
    Route("/console/{handoff_id}", handoff, methods=["GET"]),
    Route("/console/{handoff_id}/claim", _unreadable_form_page(claim), methods=["POST"]),
    Route("/console/{handoff_id}/reply", _unreadable_form_page(reply), methods=["POST"]),
    Route("/console/{handoff_id}/resolve", _unreadable_form_page(resolve), methods=["POST"]),
]
