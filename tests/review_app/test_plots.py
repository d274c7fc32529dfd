"""Tests for review_app/plots.py: valid, script-free SVG, the same bytes for the same data, cached."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import date

from bot.handoff_metrics import DailySeries, NpsPoint, TimeToHuman
from bot.nps_store import NpsSummary
from review_app import plots

DAYS = [date(2026, 11, day) for day in range(20, 26)]


def test_plots_are_svg_without_scripts_and_keep_customer_labels_as_text() -> None:
    series = DailySeries(DAYS, {"sms": [1, 0, 2, 3, 0, 1], "<script>x</script>": [0, 1, 0, 0, 2, 0]})
    timing = TimeToHuman(DAYS, [60.0, None, 90.0, 30.0, None, 10.0], [120.0, None, 90.0, 50.0, None, 10.0],
                         [2, 0, 1, 3, 0, 1], 60.0, 110.0)
    nps = [NpsPoint(date(2026, 11, 16), NpsSummary(3, 1, 1)), NpsPoint(date(2026, 11, 23), NpsSummary(1, 0, 2))]
    for svg in (plots.handoffs_per_day_svg(series, "Handoffs per day by channel"), plots.time_to_human_svg(timing),
                plots.nps_svg(nps), plots.top_intents_svg([("order_status", 5), ("refund", 2)]),
                plots.handoffs_per_day_svg(DailySeries(DAYS, {}), "empty"), plots.nps_svg([])):
        root = ElementTree.fromstring(svg)
        assert root.tag.endswith("svg")
        assert not [element for element in root.iter() if element.tag.endswith("script")]
        assert b"<script>" not in svg
    assert b"&lt;script&gt;x&lt;/script&gt;" in plots.handoffs_per_day_svg(series, "t")


def test_same_data_gives_the_same_bytes() -> None:
    series = DailySeries(DAYS, {"sms": [1, 2, 3, 4, 5, 6]})
    assert plots.handoffs_per_day_svg(series, "t") == plots.handoffs_per_day_svg(series, "t")
