"""Transcript views of a handoff or a conversation, with the lead's tags and notes."""

from __future__ import annotations

from typing import Any, Dict, Optional

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.handoff.store import Handoff
from review_app.accounts.access import REVIEW
from review_app.conversations.review_notes import ReviewError
from review_app.conversations.timeline import Timeline, timeline_from_events, timeline_from_snapshot
from review_app.guards import form_value, guarded
from review_app.rendering import render
from review_app.services import ReviewServices
from review_app.sessions import flash, safe_next, services_of


def conversation_timeline(services: ReviewServices, conversation_id: str,
                          handoff: Optional[Handoff] = None) -> Timeline:
    """The whole conversation from the tracker store, else the handoff's stored transcript."""
    events = services.archive.events(conversation_id)
    if events:
        return timeline_from_events(events)
    return timeline_from_snapshot(handoff.transcript if handoff else [])


@guarded(REVIEW)
def handoff_transcript(request: Request) -> Response:
    """One handoff: its conversation, reason, timings, tags and notes."""
    services = services_of(request)
    try:
        handoff = services.handoffs.get(request.path_params["handoff_id"])
    except KeyError:
        return _not_found(request, "There is no handoff with this reference.")
    timeline = conversation_timeline(services, handoff.conversation_id, handoff)
    return render(request, "transcript.html", _context(services, handoff.conversation_id, timeline, handoff))


@guarded(REVIEW)
def conversation_transcript(request: Request) -> Response:
    """One conversation from the tracker store, with its handoffs, tags and notes."""
    services = services_of(request)
    conversation_id = request.query_params.get("id", "")
    handoffs = services.handoff_queries.for_conversation(conversation_id)
    handoff = services.handoffs.get(handoffs[-1].id) if handoffs else None
    timeline = conversation_timeline(services, conversation_id, handoff)
    if not timeline.lines and handoff is None:
        return _not_found(request, "There is no conversation with this id in the tracker store.")
    return render(request, "transcript.html", _context(services, conversation_id, timeline, handoff))


@guarded(REVIEW)
def change_tags(request: Request) -> Response:
    """Add or remove a tag."""
    services = services_of(request)
    conversation_id = form_value(request, "conversation_id")
    tag = form_value(request, "tag")
    if form_value(request, "action") == "remove":
        services.reviews.remove_tag(conversation_id, tag)
    else:
        try:
            services.reviews.add_tag(conversation_id, tag, request.state.user.username)
        except ReviewError as error:
            flash(request, "error", str(error))
    return _back(request)


@guarded(REVIEW)
def add_note(request: Request) -> Response:
    """Leave a note on a conversation."""
    services = services_of(request)
    try:
        services.reviews.add_note(form_value(request, "conversation_id"), request.state.user.username,
                                  form_value(request, "text"))
    except ReviewError as error:
        flash(request, "error", str(error))
    return _back(request)


def _context(services: ReviewServices, conversation_id: str, timeline: Timeline,
             handoff: Optional[Handoff]) -> Dict[str, Any]:
    """What the transcript template shows."""
    return {
        "conversation_id": conversation_id,
        "summary": services.conversation_queries.get(conversation_id),
        "handoff": handoff,
        "handoffs": services.handoff_queries.for_conversation(conversation_id),
        "timeline": timeline,
        "threshold": services.config.frustration_threshold,
        "review": services.reviews.review(conversation_id),
        "tags": services.reviews.tags(conversation_id),
        "notes": services.reviews.notes(conversation_id),
    }


def _back(request: Request) -> Response:
    """Return to the page the form was on."""
    return RedirectResponse(safe_next(form_value(request, "next"), "/conversations"), status_code=303)


def _not_found(request: Request, message: str) -> Response:
    """A 404 page that says what was not found."""
    return render(request, "error.html", {"title": "Not found", "message": message}, status_code=404)


routes = [
    Route("/handoffs/{handoff_id}", handoff_transcript, methods=["GET"]),
    Route("/conversations/view", conversation_transcript, methods=["GET"]),
    Route("/conversations/tags", change_tags, methods=["POST"]),
    Route("/conversations/notes", add_note, methods=["POST"]),
]
