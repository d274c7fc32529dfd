"""The handoff list: filters, full-text search, pagination and counts per status."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from review_app.accounts.access import REVIEW
from review_app.guards import guarded
from review_app.handoffs.queries import STATUSES, HandoffFacets
from review_app.query_forms import ParsedQuery, handoff_filter, page_number, with_params
from review_app.rendering import render
from review_app.sessions import services_of

FACETS_SECONDS = 60


@guarded(REVIEW)
def handoff_list(request: Request) -> Response:
    """Handoffs newest first, narrowed by the filter form."""
    services = services_of(request)
    services.digests.sync()
    params = dict(request.query_params)
    parsed = ParsedQuery()
    filters = handoff_filter(params, parsed)
    page = services.handoff_queries.page(filters, page_number(params, parsed), services.config.page_size)
    return render(request, "handoffs.html", {
        "page": page, "filters": filters, "params": params, "errors": parsed.errors,
        "facets": _facets(request), "statuses": STATUSES, "with_params": with_params,
    })


def _facets(request: Request) -> HandoffFacets:
    """The filter menus' values, looked up at most once a minute (they scan every handoff)."""
    services = services_of(request)
    minute = int(services.clock().timestamp() // FACETS_SECONDS)
    return request.app.state.memo.get(("handoff-facets", minute), services.handoff_queries.facets)


routes = [Route("/handoffs", handoff_list, methods=["GET"])]
