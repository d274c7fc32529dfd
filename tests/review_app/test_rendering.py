"""Tests for review_app/rendering.py: formatting filters and autoescaping."""

from __future__ import annotations

from datetime import datetime, timezone

from review_app.rendering import build_environment, format_duration, format_score, format_time


def test_durations() -> None:
    assert [format_duration(s) for s in (None, 0, 12.4, 65, 3600, 7325, 200000)] == [
        "—", "0 s", "12 s", "1 min 05 s", "1 h 00 min", "2 h 02 min", "2 d 7 h",
    ]


def test_times_and_scores() -> None:
    assert format_time(datetime(2026, 11, 25, 12, 0, 5, tzinfo=timezone.utc)) == "2026-11-25 12:00:05 UTC"
    assert format_time("2026-11-25T12:00:05+00:00") == "2026-11-25 12:00:05 UTC"
    assert format_time("") == "—" and format_time("garbage") == "garbage"
    assert format_score(0.825) == "0.82" and format_score(None) == "—"


def test_templates_escape_everything() -> None:
    template = build_environment().from_string("<p>{{ text }}</p>")
    assert template.render(text="<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
