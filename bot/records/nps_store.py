"""NPS: when each customer was last asked, and the 0-10 scores they gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import Clock, as_utc, system_clock
from bot.records.database import metadata

nps_asks_table = sa.Table(
    "nps_asks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("customer_key", sa.String(255), nullable=False, index=True),
    sa.Column("conversation_id", sa.String(255), nullable=False),
    sa.Column("asked_at", sa.DateTime, nullable=False),
)

nps_scores_table = sa.Table(
    "nps_scores",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("customer_key", sa.String(255), nullable=False, index=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("answered_at", sa.DateTime, nullable=False, index=True),
)


@dataclass(frozen=True)
class NpsSummary:
    """Net Promoter Score with the counts behind it."""

    promoters: int
    passives: int
    detractors: int

    @property
    def responses(self) -> int:
        """How many scores the summary is based on."""
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> Optional[float]:
        """Promoters minus detractors in percent of responses (None without responses)."""
        if self.responses == 0:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.responses


class NpsStore:
    """Decides whether a customer may be asked for NPS and records their answers."""

    def __init__(self, engine: Engine, cooldown_hours: float, clock: Clock = system_clock) -> None:
        """Never ask the same customer twice within `cooldown_hours`."""
        self._engine = engine
        self._cooldown = timedelta(hours=cooldown_hours)
        self._clock = clock

    def may_ask(self, customer_key: str) -> bool:
        """True when this customer was not asked within the cooldown."""
        since = (as_utc(self._clock()) - self._cooldown).replace(tzinfo=None)
        with self._engine.connect() as connection:
            recent = connection.execute(
                sa.select(sa.func.count())
                .select_from(nps_asks_table)
                .where(nps_asks_table.c.customer_key == customer_key)
                .where(nps_asks_table.c.asked_at > since)
            ).scalar_one()
        return recent == 0

    def record_ask(self, customer_key: str, conversation_id: str) -> None:
        """Remember that the question was asked now."""
        with self._engine.begin() as connection:
            connection.execute(
                nps_asks_table.insert().values(
                    customer_key=customer_key,
                    conversation_id=conversation_id,
                    asked_at=as_utc(self._clock()).replace(tzinfo=None),
                )
            )

    def record_score(self, customer_key: str, conversation_id: str, channel: str, score: int) -> None:
        """Store a 0-10 answer; anything else is a `ValueError`."""
        if not 0 <= score <= 10:
            raise ValueError(f"NPS scores run from 0 to 10, got {score}.")
        with self._engine.begin() as connection:
            connection.execute(
                nps_scores_table.insert().values(
                    customer_key=customer_key,
                    conversation_id=conversation_id,
                    channel=channel,
                    score=score,
                    answered_at=as_utc(self._clock()).replace(tzinfo=None),
                )
            )

    def summary(self) -> NpsSummary:
        """NPS over every recorded answer."""
        with self._engine.connect() as connection:
            scores = [row.score for row in connection.execute(sa.select(nps_scores_table.c.score))]
        return NpsSummary(
            promoters=sum(1 for s in scores if s >= 9),
            passives=sum(1 for s in scores if 7 <= s <= 8),
            detractors=sum(1 for s in scores if s <= 6),
        )
