"""Server-side SVG plots for the metrics page (matplotlib, no pyplot, no JavaScript).

Rendering takes tens of milliseconds, so the metrics routes keep each SVG (see `review_app.memo`)
until the figures it shows change.
"""

from __future__ import annotations

import io
import threading
from datetime import date
from typing import Dict, List, Optional, Sequence, Tuple

from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from bot.handoff_metrics import DailySeries, NpsPoint, TimeToHuman

WIDTH, HEIGHT = 8.0, 3.0


def handoffs_per_day_svg(series: DailySeries, title: str) -> bytes:
    """Stacked areas: handoffs per day for each channel or reason."""
    figure, axes = _figure(title)
    if series.series:
        labels = list(series.series)
        axes.stackplot(series.days, *[series.series[label] for label in labels], labels=labels, step="mid")
        axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.set_ylabel("handoffs")
    _date_axis(axes, series.days)
    return _svg(figure)


def time_to_human_svg(timing: TimeToHuman) -> bytes:
    """Lines: median and 90th percentile minutes to the first human reply, per day."""
    figure, axes = _figure("Time to a human (minutes, by day of handoff)")
    axes.plot(timing.days, _minutes(timing.medians), marker="o", markersize=3, label="median")
    axes.plot(timing.days, _minutes(timing.p90s), marker="o", markersize=3, label="90th percentile")
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    axes.set_ylabel("minutes")
    _date_axis(axes, timing.days)
    return _svg(figure)


def nps_svg(points: Sequence[NpsPoint]) -> bytes:
    """Line: NPS per week, each point labelled with its number of answers."""
    figure, axes = _figure("NPS by week (promoters − detractors, n = answers)")
    weeks = [point.week_start for point in points]
    scores = [point.summary.score for point in points]
    axes.plot(weeks, scores, marker="o")
    for week, point in zip(weeks, points):
        axes.annotate(f"n={point.summary.responses}", (week, point.summary.score or 0.0),
                      textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
    axes.set_ylim(-100, 110)
    axes.axhline(0, linewidth=0.5, color="grey")
    axes.set_ylabel("NPS")
    _date_axis(axes, weeks)
    return _svg(figure)


def top_intents_svg(intents: Sequence[Tuple[str, int]]) -> bytes:
    """Horizontal bars: intents customers expressed before being handed over."""
    figure, axes = _figure("Intents before handoff (handoffs that had each)")
    names = [name for name, _ in intents][::-1]
    counts = [count for _, count in intents][::-1]
    axes.barh(names, counts)
    axes.set_xlabel("handoffs")
    axes.tick_params(axis="y", labelsize=8)
    return _svg(figure)


def _figure(title: str) -> Tuple[Figure, Axes]:
    """A figure of the page's plot size with one titled axes."""
    figure = Figure(figsize=(WIDTH, HEIGHT), layout="tight")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=10)
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    return figure, axes


def _date_axis(axes: Axes, days: List[date]) -> None:
    """Short day labels, at most about ten of them."""
    if not days:
        return
    step = max(1, len(days) // 10)
    ticks = days[::step]
    axes.set_xticks(ticks)
    axes.set_xticklabels([f"{day:%d %b}" for day in ticks], fontsize=8)


def _minutes(values: Sequence[Optional[float]]) -> List[float]:
    """Seconds to minutes, unknown values as gaps (NaN)."""
    return [float("nan") if value is None else value / 60.0 for value in values]


_render_lock = threading.Lock()


def _svg(figure: Figure) -> bytes:
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
