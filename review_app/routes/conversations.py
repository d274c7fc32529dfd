"""All conversations: the filters Rasa X offered reviewers, and the reviewed flag."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from review_app.accounts.access import REVIEW
from review_app.conversations.queries import REVIEWED, UNREVIEWED
from review_app.guards import form_value, guarded
from review_app.query_forms import ParsedQuery, conversation_filter, page_number, with_params
from review_app.rendering import render
from review_app.sessions import flash, safe_next, services_of


@guarded(REVIEW)
def conversation_list(request: Request) -> Response:
    """Conversations most recently active first, narrowed by the filter form."""
    services = services_of(request)
    services.conversation_index.sync()
    params = dict(request.query_params)
    parsed = ParsedQuery()
    filters = conversation_filter(params, parsed)
    page = services.conversation_queries.page(filters, page_number(params, parsed), services.config.page_size)
    return render(request, "conversations.html", {
        "page": page, "filters": filters, "params": params, "errors": parsed.errors,
        "facets": services.conversation_queries.facets(), "with_params": with_params,
        "archive_available": services.archive.available(), "archive_url": services.archive.url,
        "low_confidence": services.conversation_queries.low_confidence,
        "reviewed_choices": (REVIEWED, UNREVIEWED),
    })


@guarded(REVIEW)
def mark_reviewed(request: Request) -> Response:
    """Set or clear a conversation's reviewed flag, then go back where the form was."""
    services = services_of(request)
    conversation_id = form_value(request, "conversation_id")
    if form_value(request, "reviewed") == "0":
        services.reviews.mark_unreviewed(conversation_id)
        flash(request, "info", f"Marked {conversation_id} as not reviewed.")
    else:
        services.reviews.mark_reviewed(conversation_id, request.state.user.username)
        flash(request, "info", f"Marked {conversation_id} as reviewed.")
    return RedirectResponse(safe_next(form_value(request, "next"), "/conversations"), status_code=303)


routes = [
    Route("/conversations", conversation_list, methods=["GET"]),
    Route("/conversations/reviewed", mark_reviewed, methods=["POST"]),
]
