"""Tests for review_app/handoffs/metrics.py: per-day counts, time-to-human percentiles, intents, NPS by week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.handoff.store import HandoffStore
from bot.records.nps_store import NpsStore
from review_app.handoffs.digest import HandoffDigests
from review_app.handoffs.metrics import HandoffMetrics, day_range, percentile
from tests.builders import ManualClock
from tests.review_app.sample_conversations import customer, frustrated_conversation, open_handoff, at, work_handoff


@pytest.fixture
def metrics(engine: Engine, clock: ManualClock) -> HandoffMetrics:
    """Handoffs on 23 and 25 Nov 2026 (sms, telegram), answered after 60/120/600 s; NPS answers."""
    store = HandoffStore(engine, clock)
    nps = NpsStore(engine, cooldown_hours=1, clock=clock)
    base = clock.now - timedelta(days=2)
    plan = [(0, "sms", "frustration", 60), (0, "sms", "customer_asked", 120), (2, "telegram", "frustration", 600),
            (2, "sms", "frustration", None)]
    for index, (day, channel, reason, reply) in enumerate(plan):
        clock.now = base + timedelta(days=day, minutes=index)
        events = frustrated_conversation(clock.now, channel=channel)
        if reason == "customer_asked":
            events = events[:3] + [customer("a person please", "request_human", 0.9, 0.1, at(clock.now, 1))]
        handoff = open_handoff(store, f"c{index}", events, channel=channel, reason=reason)
        if reply is not None:
            work_handoff(store, clock, handoff, "ann", reply_after=reply)
        for score in ((10, 9, 3) if day == 0 else (8,)):
            nps.record_score(f"k{index}{score}", f"c{index}", channel, score)
    HandoffDigests(engine).sync()
    return HandoffMetrics(engine)


def test_handoffs_per_day_by_channel_and_reason(metrics: HandoffMetrics) -> None:
    by_channel = metrics.handoffs_per_day(date(2026, 11, 22), date(2026, 11, 25), "channel")
    assert by_channel.days == day_range(date(2026, 11, 22), date(2026, 11, 25))
    assert by_channel.series == {"sms": [0, 2, 0, 1], "telegram": [0, 0, 0, 1]} and by_channel.total == 4
    by_reason = metrics.handoffs_per_day(date(2026, 11, 25), date(2026, 11, 25), "reason")
    assert by_reason.series == {"frustration": [2]}
    with pytest.raises(ValueError, match="channel or reason"):
        metrics.handoffs_per_day(date(2026, 11, 22), date(2026, 11, 25), "agent")


def test_time_to_human_median_and_p90(metrics: HandoffMetrics) -> None:
    timing = metrics.time_to_human(date(2026, 11, 23), date(2026, 11, 25))
    assert timing.answered == [2, 0, 1] and timing.total_answered == 3
    assert timing.medians == [90.0, None, 600.0]
    assert timing.overall_median == 120.0 and timing.overall_p90 == pytest.approx(504.0)


def test_top_intents_before_handoff(metrics: HandoffMetrics) -> None:
    assert metrics.top_intents(date(2026, 11, 23), date(2026, 11, 25)) == [("order_status", 3), ("request_human", 1)]
    assert metrics.top_intents(date(2026, 11, 24), date(2026, 11, 24)) == []


def test_nps_by_week_with_counts(metrics: HandoffMetrics) -> None:
    weeks = metrics.nps_over_time(date(2026, 11, 1), date(2026, 11, 30))
    assert [point.week_start for point in weeks] == [date(2026, 11, 23)]
    summary = weeks[0].summary
    assert (summary.promoters, summary.passives, summary.detractors) == (4, 2, 2)
    assert summary.score == pytest.approx(25.0)
    assert metrics.report(date(2026, 11, 24), date(2026, 11, 25)).nps.responses == 2


def test_percentile() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 0.9) == pytest.approx(46.0)


def test_report_and_version(metrics: HandoffMetrics, engine: Engine, clock: ManualClock) -> None:
    report = metrics.report(date(2026, 11, 23), date(2026, 11, 25))
    assert report.by_channel.total == 4 and report.nps.responses == 8 and report.top_intents[0] == ("order_status", 3)
    before = metrics.version()
    assert metrics.version() == before
    open_handoff(HandoffStore(engine, clock), "late", frustrated_conversation(clock.now))
    assert metrics.version() != before
