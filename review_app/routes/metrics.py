"""The metrics page and its SVG plots, computed once per window until the figures change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable, Dict, Mapping, Tuple

from matplotlib.figure import Figure
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import as_utc
from bot.handoff.escalation import reason_in_words
from review_app import plots
from review_app.accounts.access import REVIEW
from review_app.guards import guarded
from review_app.handoffs.metrics import MetricsReport
from review_app.memo import Memo
from review_app.query_forms import ParsedQuery, with_params
from review_app.rendering import render
from review_app.services import ReviewServices
from review_app.sessions import services_of

DEFAULT_DAYS = 30
MAX_DAYS = 366
PLOTS: Dict[str, Callable[[MetricsReport], Figure]] = {
    "by-channel": lambda report: plots.handoffs_per_day_figure(report.by_channel, "Handoffs per day by channel"),
    "by-reason": lambda report: plots.handoffs_per_day_figure(report.by_reason, "Handoffs per day by reason",
                                                              reason_in_words),
    "time-to-human": lambda report: plots.time_to_human_figure(report.timing),
    "nps": lambda report: plots.nps_figure(report.nps_weeks, report.since, report.until),
    "top-intents": lambda report: plots.top_intents_figure(report.top_intents),
}


@guarded(REVIEW)
def metrics_page(request: Request) -> Response:
    """Totals, timing figures, NPS and the plots for the chosen window."""
    services = services_of(request)
    parsed = ParsedQuery()
    since, until = _window(services, request.query_params, parsed)
    _, report = _report(request, since, until)
    return render(request, "metrics.html", {
        "since": since, "until": until, "errors": parsed.errors, "report": report, "plot_names": list(PLOTS),
        "plot_query": with_params({}, since=since.isoformat(), until=until.isoformat()),
    })


@guarded(REVIEW, download=True)
def metrics_plot(request: Request) -> Response:
    """One plot as SVG."""
    name = request.path_params["name"]
    if name not in PLOTS:
        return Response("No such plot.", status_code=404, media_type="text/plain")
    since, until = _window(services_of(request), request.query_params, ParsedQuery())
    key, report = _report(request, since, until)
    svg = _memo(request).get(("plot", name, key), lambda: plots.svg(PLOTS[name](report)))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=60"})


def _report(request: Request, since: date, until: date) -> Tuple[tuple, MetricsReport]:
    """The window's figures, recomputed only when the data behind them changed."""
    services = services_of(request)
    services.digests.sync()
    key = (since, until, services.metrics.version())
    return key, _memo(request).get(("report", key), lambda: services.metrics.report(since, until))


def _memo(request: Request) -> Memo:
    """The app's memo of reports and plots."""
    return request.app.state.memo


def _window(services: ReviewServices, params: Mapping[str, str], parsed: ParsedQuery) -> Tuple[date, date]:
    """The chosen days (default: the last 30), at most a year."""
    today = as_utc(services.clock()).date()
    until = parsed.day(params, "until", "To") or today
    since = parsed.day(params, "since", "From") or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        parsed.errors.append("From is after To; showing the 30 days up to To.")
        since = until - timedelta(days=DEFAULT_DAYS - 1)
    if (until - since).days >= MAX_DAYS:
        parsed.errors.append(f"Windows are limited to {MAX_DAYS} days; showing the last {MAX_DAYS}.")
        since = until - timedelta(days=MAX_DAYS - 1)
    return since, until


routes = [
    Route("/metrics", metrics_page, methods=["GET"]),
    Route("/metrics/{name}.svg", metrics_plot, methods=["GET"]),
]
