"""Server-side SVG plots for the metrics page (matplotlib, no pyplot, no JavaScript).

Every date axis spans the whole reporting window, whatever days have data, with ticks spaced so
their labels never run into each other (one day, a week, a month or a year). Rendering takes tens
of milliseconds, so the metrics routes keep each SVG (see `review_app.memo`) until the figures it
shows change.
"""

from __future__ import annotations

import io
import math
import threading
from datetime import date, timedelta
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from review_app.handoffs.metrics import DailySeries, NpsPoint, TimeToHuman

WIDTH, HEIGHT = 8.0, 3.0
TITLE_SIZE = 10
TEXT_SIZE = 10
TICK_SIZE = 9
MAX_DATE_TICKS = 8
MAX_NPS_LABELS = 12
LONGEST_DAILY_AXIS = 92
MEDIAN_COLOUR, P90_COLOUR = "#1f5fa8", "#e07b00"


def handoffs_per_day_figure(series: DailySeries, title: str, label_words: Callable[[str], str] = str) -> Figure:
    """Stacked bars: handoffs per day for each channel or reason (`label_words` names them in the legend)."""
    figure, axes = _figure(title)
    bottoms = [0] * len(series.days)
    for label, counts in series.series.items():
        axes.bar(series.days, counts, bottom=bottoms, width=0.8, label=label_words(label))
        bottoms = [bottom + count for bottom, count in zip(bottoms, counts)]
    if series.total:
        axes.legend(loc="best", fontsize=TICK_SIZE, frameon=False)
    else:
        _say_empty(axes, "No handoffs in this window.")
    axes.set_ylim(0, max(bottoms, default=0) * 1.15 or 1)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylabel("handoffs")
    _date_axis(axes, series.days[0], series.days[-1], day_ticks)
    return figure


def time_to_human_figure(timing: TimeToHuman) -> Figure:
    """Median and 90th percentile minutes to the first human reply per day.

    The median is a small filled dot drawn over a larger open square for the 90th percentile, so
    on days where both are the same (one reply) both stay visible.
    """
    figure, axes = _figure("Time to a human (minutes, by day of handoff)")
    p90s, medians = _minutes(timing.p90s), _minutes(timing.medians)
    axes.plot(timing.days, p90s, color=P90_COLOUR, marker="s", markersize=10, markerfacecolor="none",
              markeredgewidth=1.5, linewidth=1, zorder=2, label="90th percentile")
    axes.plot(timing.days, medians, color=MEDIAN_COLOUR, marker="o", markersize=5, linewidth=1.5,
              zorder=3, label="median")
    known = [value for value in p90s + medians if not math.isnan(value)]
    if known:
        axes.legend(loc="best", fontsize=TICK_SIZE, frameon=False)
    else:
        _say_empty(axes, "No human replies in this window.")
    axes.set_ylim(0, max(known, default=0) * 1.2 or 1)
    axes.set_ylabel("minutes")
    _date_axis(axes, timing.days[0], timing.days[-1], day_ticks)
    return figure


def nps_figure(points: Sequence[NpsPoint], since: date, until: date) -> Figure:
    """NPS per week (plotted at the week's Monday), labelled with its number of answers."""
    figure, axes = _figure("NPS by week (promoters − detractors, n = answers)")
    weeks = [point.week_start for point in points]
    scores = [point.summary.score or 0.0 for point in points]
    axes.plot(weeks, scores, marker="o")
    step = math.ceil(len(points) / MAX_NPS_LABELS) if points else 1
    for week, score, point in list(zip(weeks, scores, points))[::-1][::step]:
        below = score > 50
        axes.annotate(f"n={point.summary.responses}", (week, score), textcoords="offset points",
                      xytext=(0, -8 if below else 8), ha="center", va="top" if below else "bottom",
                      fontsize=TEXT_SIZE)
    if not points:
        _say_empty(axes, "No NPS answers in this window.")
    axes.set_ylim(-110, 110)
    axes.axhline(0, linewidth=0.5, color="grey")
    axes.set_ylabel("NPS")
    first_monday = min([since - timedelta(days=since.weekday())] + weeks)
    _date_axis(axes, first_monday, max([until] + weeks), week_ticks)
    return figure


def top_intents_figure(intents: Sequence[Tuple[str, int]]) -> Figure:
    """Horizontal bars: intents customers expressed before being handed over."""
    figure, axes = _figure("Intents before handoff (handoffs that had each)")
    names = [name for name, _ in intents][::-1]
    counts = [count for _, count in intents][::-1]
    axes.barh(names, counts)
    axes.set_xlabel("handoffs")
    axes.tick_params(axis="y", labelsize=TICK_SIZE)
    return figure


def day_ticks(since: date, until: date) -> Tuple[List[date], str]:
    """Tick days for a window: every n-th day back from `until`, or month starts for long windows."""
    days = (until - since).days + 1
    if days <= LONGEST_DAILY_AXIS:
        candidates = [since + timedelta(days=offset) for offset in range(days)]
        return _spaced(candidates), "%d %b"
    months = [day for day in (since + timedelta(days=offset) for offset in range(days)) if day.day == 1]
    return _spaced(months), "%b %Y"


def week_ticks(since: date, until: date) -> Tuple[List[date], str]:
    """Tick days for weekly points: the Mondays of the window, thinned to a readable number."""
    mondays = [since + timedelta(days=offset) for offset in range((until - since).days + 1)]
    return _spaced([day for day in mondays if day.weekday() == 0]), "%d %b"


def svg(figure: Figure) -> bytes:
    """The figure as SVG with text kept as text and stable ids (so equal data gives equal bytes)."""
    buffer = io.BytesIO()
    with _render_lock:
        settings: Dict[str, object] = {"svg.fonttype": "none", "svg.hashsalt": "brightway-review"}
        saved = {key: rcParams[key] for key in settings}
        rcParams.update(settings)
        try:
            FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None})
        finally:
            rcParams.update(saved)
    return buffer.getvalue()


def _spaced(days: List[date]) -> List[date]:
    """At most `MAX_DATE_TICKS` of `days`, evenly spaced and always including the last one."""
    step = max(1, math.ceil(len(days) / MAX_DATE_TICKS))
    return days[::-1][::step][::-1]


def _figure(title: str) -> Tuple[Figure, Axes]:
    """A figure of the page's plot size with one titled axes."""
    figure = Figure(figsize=(WIDTH, HEIGHT), layout="tight")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=TITLE_SIZE)
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    axes.tick_params(axis="y", labelsize=TICK_SIZE)
    return figure, axes


def _date_axis(axes: Axes, since: date, until: date,
               ticks_for: Callable[[date, date], Tuple[List[date], str]]) -> None:
    """The x-axis from `since` to `until` (half a day either side) with `ticks_for`'s ticks and labels."""
    axes.set_xlim(date2num(since) - 0.5, date2num(until) + 0.5)
    ticks, label_format = ticks_for(since, until)
    axes.xaxis.set_major_locator(FixedLocator(date2num(ticks)))
    axes.xaxis.set_major_formatter(DateFormatter(label_format))
    axes.xaxis.set_minor_locator(NullLocator())
    axes.tick_params(axis="x", labelsize=TICK_SIZE)


def _say_empty(axes: Axes, text: str) -> None:
    """A plain sentence in the middle of a plot that has nothing to draw."""
    axes.text(0.5, 0.5, text, transform=axes.transAxes, ha="center", va="center", fontsize=TEXT_SIZE, color="grey")


def _minutes(values: Sequence[Optional[float]]) -> List[float]:
    """Seconds to minutes, unknown values as gaps (NaN)."""
    return [float("nan") if value is None else value / 60.0 for value in values]


_render_lock = threading.Lock()
