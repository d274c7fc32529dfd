"""Figures for the metrics page: handoffs per day, time to a human, NPS over time, intents before handoff.

Days and weeks are UTC calendar days; a window is `since..until`, both days included.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.handoff.store import handoffs_table
from bot.records.nps_store import NpsSummary, nps_scores_table
from review_app.handoffs.digest import handoff_intents_table
from review_app.handoffs.queries import date_range


@dataclass(frozen=True)
class DailySeries:
    """Counts per day for each label (a channel or a reason), days without handoffs included."""

    days: List[date]
    series: Dict[str, List[int]]

    @property
    def total(self) -> int:
        """All counts added up."""
        return sum(sum(counts) for counts in self.series.values())


@dataclass(frozen=True)
class TimeToHuman:
    """Median and 90th percentile seconds to the first human reply, overall and per day."""

    days: List[date]
    medians: List[Optional[float]]
    p90s: List[Optional[float]]
    answered: List[int]
    overall_median: Optional[float]
    overall_p90: Optional[float]

    @property
    def total_answered(self) -> int:
        """How many handoffs got a human reply in the window."""
        return sum(self.answered)


@dataclass(frozen=True)
class NpsPoint:
    """NPS of the answers given in one week (starting Monday)."""

    week_start: date
    summary: NpsSummary


@dataclass(frozen=True)
class MetricsReport:
    """Everything the metrics page shows for one window (`since..until`, both days included)."""

    since: date
    until: date
    by_channel: DailySeries
    by_reason: DailySeries
    timing: TimeToHuman
    nps_weeks: List[NpsPoint]
    top_intents: List[Tuple[str, int]]

    @property
    def nps(self) -> NpsSummary:
        """NPS over the whole window."""
        return NpsSummary(
            promoters=sum(point.summary.promoters for point in self.nps_weeks),
            passives=sum(point.summary.passives for point in self.nps_weeks),
            detractors=sum(point.summary.detractors for point in self.nps_weeks),
        )


class HandoffMetrics:
    """Aggregates over the handoff store, the digests and the NPS answers."""

    def __init__(self, engine: Engine) -> None:
        """Read from `engine`."""
        self._engine = engine

    def report(self, since: date, until: date) -> MetricsReport:
        """All figures of the window `since..until`."""
        return MetricsReport(
            since=since,
            until=until,
            by_channel=self.handoffs_per_day(since, until, "channel"),
            by_reason=self.handoffs_per_day(since, until, "reason"),
            timing=self.time_to_human(since, until),
            nps_weeks=self.nps_over_time(since, until),
            top_intents=self.top_intents(since, until),
        )

    def version(self) -> Tuple[Any, ...]:
        """Changes whenever a figure could change: new handoffs, first replies or NPS answers."""
        with self._engine.connect() as connection:
            handoffs = connection.execute(sa.select(
                sa.func.count(), sa.func.max(handoffs_table.c.created_at),
                sa.func.max(handoffs_table.c.first_human_reply_at),
            )).one()
            answers = connection.execute(sa.select(sa.func.count(), sa.func.max(nps_scores_table.c.id))).one()
        return (*handoffs, *answers)

    def handoffs_per_day(self, since: date, until: date, by: str) -> DailySeries:
        """Handoffs created per day, split by `by` ("channel" or "reason")."""
        if by not in ("channel", "reason"):
            raise ValueError(f"Handoffs can be split by channel or reason, not {by!r}.")
        column = handoffs_table.c[by]
        day = sa.func.date(handoffs_table.c.created_at)
        query = (
            sa.select(day, column, sa.func.count())
            .where(*date_range(handoffs_table.c.created_at, since, until))
            .group_by(day, column)
        )
        days = day_range(since, until)
        index = {value: position for position, value in enumerate(days)}
        series: Dict[str, List[int]] = {}
        with self._engine.connect() as connection:
            for value, label, count in connection.execute(query):
                counts = series.setdefault(label, [0] * len(days))
                position = index.get(_as_date(value))
                if position is not None:
                    counts[position] += int(count)
        return DailySeries(days, dict(sorted(series.items())))

    def time_to_human(self, since: date, until: date) -> TimeToHuman:
        """Median and p90 seconds from handoff to first human reply, for handoffs created in the window."""
        query = (
            sa.select(handoffs_table.c.created_at, handoffs_table.c.first_human_reply_at)
            .where(handoffs_table.c.first_human_reply_at.isnot(None))
            .where(*date_range(handoffs_table.c.created_at, since, until))
        )
        per_day: Dict[date, List[float]] = defaultdict(list)
        with self._engine.connect() as connection:
            for created, replied in connection.execute(query):
                per_day[created.date()].append((replied - created).total_seconds())
        days = day_range(since, until)
        everything = [seconds for values in per_day.values() for seconds in values]
        return TimeToHuman(
            days=days,
            medians=[percentile(per_day.get(day, []), 0.5) for day in days],
            p90s=[percentile(per_day.get(day, []), 0.9) for day in days],
            answered=[len(per_day.get(day, [])) for day in days],
            overall_median=percentile(everything, 0.5),
            overall_p90=percentile(everything, 0.9),
        )

    def top_intents(self, since: date, until: date, limit: int = 10) -> List[Tuple[str, int]]:
        """Intents customers expressed before being handed over, by how many handoffs had them."""
        count = sa.func.count().label("handoffs")
        query = (
            sa.select(handoff_intents_table.c.intent, count)
            .select_from(
                handoff_intents_table.join(handoffs_table, handoffs_table.c.id == handoff_intents_table.c.handoff_id)
            )
            .where(*date_range(handoffs_table.c.created_at, since, until))
            .group_by(handoff_intents_table.c.intent)
            .order_by(count.desc(), handoff_intents_table.c.intent)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [(intent, int(total)) for intent, total in connection.execute(query)]

    def nps_over_time(self, since: date, until: date) -> List[NpsPoint]:
        """NPS per week (promoters minus detractors, with the counts), weeks without answers left out."""
        query = sa.select(nps_scores_table.c.answered_at, nps_scores_table.c.score).where(
            *date_range(nps_scores_table.c.answered_at, since, until)
        )
        weeks: Dict[date, List[int]] = defaultdict(list)
        with self._engine.connect() as connection:
            for answered_at, score in connection.execute(query):
                day = answered_at.date()
                weeks[day - timedelta(days=day.weekday())].append(int(score))
        return [NpsPoint(week, nps_summary(scores)) for week, scores in sorted(weeks.items())]


def nps_summary(scores: Sequence[int]) -> NpsSummary:
    """Promoters (9-10), passives (7-8) and detractors (0-6) among `scores`."""
    return NpsSummary(
        promoters=sum(1 for score in scores if score >= 9),
        passives=sum(1 for score in scores if 7 <= score <= 8),
        detractors=sum(1 for score in scores if score <= 6),
    )


def percentile(values: Sequence[float], fraction: float) -> Optional[float]:
    """The `fraction` quantile of `values` with linear interpolation; None when empty."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    if fraction == 0.5:
        return float(statistics.median(values))
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def day_range(since: date, until: date) -> List[date]:
    """Every day from `since` to `until`, both included."""
    return [since + timedelta(days=offset) for offset in range((until - since).days + 1)]


def _as_date(value: Any) -> Optional[date]:
    """A `date` from what SQL's date() returned (a date on PostgreSQL, text on SQLite)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])

