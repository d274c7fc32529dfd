"""Tests for review_app/plots.py: valid, script-free SVG, the same bytes for the same data, and
plots readable for any window: judged from the text extents and pixels matplotlib renders."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta
from typing import Dict, List, Optional, Tuple

import numpy
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.dates import date2num, num2date
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.records.nps_store import NpsSummary
from review_app import plots
from review_app.handoffs.metrics import DailySeries, NpsPoint, TimeToHuman, day_range

DAYS = [date(2026, 11, day) for day in range(20, 26)]
UNTIL = date(2026, 12, 2)


def test_plots_are_svg_without_scripts_and_keep_customer_labels_as_text() -> None:
    series = DailySeries(DAYS, {"sms": [1, 0, 2, 3, 0, 1], "<script>x</script>": [0, 1, 0, 0, 2, 0]})
    timing = TimeToHuman(DAYS, [60.0, None, 90.0, 30.0, None, 10.0], [120.0, None, 90.0, 50.0, None, 10.0],
                         [2, 0, 1, 3, 0, 1], 60.0, 110.0)
    nps = [NpsPoint(date(2026, 11, 16), NpsSummary(3, 1, 1)), NpsPoint(date(2026, 11, 23), NpsSummary(1, 0, 2))]
    figures = (plots.handoffs_per_day_figure(series, "Handoffs per day by channel"), plots.time_to_human_figure(timing),
               plots.nps_figure(nps, DAYS[0], DAYS[-1]), plots.top_intents_figure([("order_status", 5), ("refund", 2)]),
               plots.handoffs_per_day_figure(DailySeries(DAYS, {}), "empty"), plots.nps_figure([], DAYS[0], DAYS[-1]))
    for figure in figures:
        svg = plots.svg(figure)
        root = ElementTree.fromstring(svg)
        assert root.tag.endswith("svg")
        assert not [element for element in root.iter() if element.tag.endswith("script")]
        assert b"<script>" not in svg
    assert b"&lt;script&gt;x&lt;/script&gt;" in plots.svg(plots.handoffs_per_day_figure(series, "t"))


def test_same_data_gives_the_same_bytes() -> None:
    series = DailySeries(DAYS, {"sms": [1, 2, 3, 4, 5, 6]})
    assert plots.svg(plots.handoffs_per_day_figure(series, "t")) == plots.svg(plots.handoffs_per_day_figure(series, "t"))


def sparse_timing(days: List[date], replies: Dict[date, Tuple[float, float]]) -> TimeToHuman:
    """Median and p90 seconds only on the days in `replies`; every other day without a human reply."""
    medians = [replies[day][0] if day in replies else None for day in days]
    p90s = [replies[day][1] if day in replies else None for day in days]
    answered = [1 if day in replies else 0 for day in days]
    return TimeToHuman(days, medians, p90s, answered, None, None)


def sparse_counts(days: List[date], busy: List[date]) -> DailySeries:
    """Two channels with handoffs on the `busy` days only."""
    return DailySeries(days, {"sms": [2 if day in busy else 0 for day in days],
                              "telegram": [1 if day == busy[0] else 0 for day in days]})


# (window in days, days of the window that have data, counted back from UNTIL): a new install's
# first day, a first week, and the 30-day default with data on one day or scattered over three.
WINDOWS = [(1, [0]), (7, [0]), (7, [1, 5]), (30, [0]), (30, [29]), (30, [3, 17, 28]), (92, [40]), (366, [0, 200])]


def window_figures(length: int, offsets: List[int]) -> Tuple[date, date, List[Figure]]:
    """Every date plot of a window of `length` days ending at UNTIL, with data on the `offsets` days back."""
    since = UNTIL - timedelta(days=length - 1)
    days = day_range(since, UNTIL)
    busy = [UNTIL - timedelta(days=offset) for offset in offsets]
    timing = sparse_timing(days, {day: (120.0, 600.0) for day in busy})
    weeks = sorted({day - timedelta(days=day.weekday()) for day in busy})
    nps = [NpsPoint(week, NpsSummary(1, 0, 0)) for week in weeks]
    return since, UNTIL, [plots.time_to_human_figure(timing), plots.handoffs_per_day_figure(sparse_counts(days, busy), "t"),
                          plots.nps_figure(nps, since, UNTIL)]


def drawn(figure: Figure) -> FigureCanvasAgg:
    """The figure laid out and rendered as on the page."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas


def shown_tick_labels(figure: Figure) -> List[Text]:
    """The x tick labels inside the plotted range that have text."""
    axes = figure.axes[0]
    low, high = axes.get_xlim()
    return [label for label, tick in zip(axes.get_xticklabels(), axes.get_xticks())
            if label.get_text() and low <= tick <= high]


def overlapping(texts: List[Text], canvas: FigureCanvasAgg) -> List[Tuple[str, str]]:
    """Pairs of texts whose rendered boxes overlap."""
    renderer = canvas.get_renderer()
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in texts]
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]


@pytest.mark.parametrize(("length", "offsets"), WINDOWS, ids=[f"{n}d-data{o}" for n, o in WINDOWS])
def test_date_axes_span_the_window_and_their_labels_do_not_overlap(length: int, offsets: List[int]) -> None:
    since, until, figures = window_figures(length, offsets)
    for figure in figures:
        canvas = drawn(figure)
        axes = figure.axes[0]
        low, high = axes.get_xlim()
        assert low <= date2num(since) - 0.5 + 7 and high >= date2num(until), (axes.get_title(), since, until)
        labels = shown_tick_labels(figure)
        assert 1 <= len(labels) <= plots.MAX_DATE_TICKS, [label.get_text() for label in labels]
        assert overlapping(labels, canvas) == [], axes.get_title()
        page = figure.bbox
        for label in labels:
            box = label.get_window_extent(canvas.get_renderer())
            assert page.x0 <= box.x0 and box.x1 <= page.x1, label.get_text()


@pytest.mark.parametrize("length", [1, 7, 30])
def test_the_last_day_of_the_window_is_labelled(length: int) -> None:
    _, until, figures = window_figures(length, [0])
    figure = figures[0]
    drawn(figure)
    labelled = [num2date(tick).date() for tick, label in zip(figure.axes[0].get_xticks(), figure.axes[0].get_xticklabels())
                if label.get_text()]
    assert labelled[-1] == until
    assert f"{until:%d %b}" in [label.get_text() for label in shown_tick_labels(figure)]


def pixels_near(canvas: FigureCanvasAgg, centre: Tuple[float, float], colour: str, radius: int = 12) -> int:
    """How many pixels within `radius` of `centre` (display coordinates) have about `colour`."""
    image = numpy.asarray(canvas.buffer_rgba())[:, :, :3].astype(float) / 255
    height = image.shape[0]
    x, y = int(round(centre[0])), int(round(height - centre[1]))
    patch = image[max(0, y - radius):y + radius + 1, max(0, x - radius):x + radius + 1]
    return int((numpy.abs(patch - numpy.array(to_rgb(colour))).max(axis=2) < 0.12).sum())


@pytest.mark.parametrize("length", [1, 7, 30])
def test_median_and_p90_are_both_visible_when_they_are_equal(length: int) -> None:
    days = day_range(UNTIL - timedelta(days=length - 1), UNTIL)
    figure = plots.time_to_human_figure(sparse_timing(days, {UNTIL: (300.0, 300.0)}))
    canvas = drawn(figure)
    axes = figure.axes[0]
    centre = axes.transData.transform((date2num(UNTIL), 5.0))
    assert pixels_near(canvas, centre, plots.MEDIAN_COLOUR) >= 10
    assert pixels_near(canvas, centre, plots.P90_COLOUR) >= 10
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["90th percentile", "median"]


def nps_labels(figure: Figure) -> List[Text]:
    """The "n=" answer-count labels of the NPS plot."""
    return [text for text in figure.axes[0].texts if text.get_text().startswith("n=")]


@pytest.mark.parametrize("scores", [[100.0], [100.0, -100.0, 0.0, 60.0, 20.0], [50.0] * 53])
def test_nps_answer_counts_are_normal_size_inside_the_plot_and_apart(scores: List[float]) -> None:
    since = UNTIL - timedelta(days=7 * len(scores))
    mondays = [since - timedelta(days=since.weekday()) + timedelta(days=7 * index) for index in range(len(scores))]
    points = [NpsPoint(week, summary_scoring(score)) for week, score in zip(mondays, scores)]
    figure = plots.nps_figure(points, since, UNTIL)
    canvas = drawn(figure)
    labels = nps_labels(figure)
    assert labels and all(label.get_fontsize() >= plots.TICK_SIZE + 1 for label in labels)
    assert overlapping(labels, canvas) == []
    axes_box = figure.axes[0].get_window_extent(canvas.get_renderer())
    for label in labels:
        box = label.get_window_extent(canvas.get_renderer())
        assert axes_box.y0 <= box.y0 and box.y1 <= axes_box.y1, label.get_text()


def summary_scoring(score: float) -> NpsSummary:
    """Ten answers whose NPS is `score` (a multiple of 10)."""
    promoters = max(0, int(score // 10))
    detractors = max(0, int(-score // 10))
    return NpsSummary(promoters, 10 - promoters - detractors, detractors)


def test_empty_plots_say_so() -> None:
    days = day_range(UNTIL - timedelta(days=29), UNTIL)
    texts: Dict[str, Optional[str]] = {}
    for name, figure in (("timing", plots.time_to_human_figure(sparse_timing(days, {}))),
                         ("handoffs", plots.handoffs_per_day_figure(DailySeries(days, {}), "t")),
                         ("nps", plots.nps_figure([], days[0], days[-1]))):
        drawn(figure)
        texts[name] = next((text.get_text() for text in figure.axes[0].texts), None)
    assert texts == {"timing": "No human replies in this window.", "handoffs": "No handoffs in this window.",
                     "nps": "No NPS answers in this window."}
