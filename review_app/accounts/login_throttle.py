"""Failed-login rate limiting per user name and per client address, shared by all app processes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import Clock, as_utc, system_clock
from bot.records.database import metadata

login_failures_table = sa.Table(
    "review_login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(320), nullable=False),
    sa.Column("failed_at", sa.DateTime, nullable=False),
    sa.Index("ix_review_login_failures_key_time", "key", "failed_at"),
)


@dataclass(frozen=True)
class ThrottleLimits:
    """How many failures within `window` lock a user name, and an address (which may be shared)."""

    per_user: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class LoginThrottle:
    """Counts failed logins and says how long a user name or address must wait."""

    def __init__(self, engine: Engine, limits: ThrottleLimits = ThrottleLimits(),
                 clock: Clock = system_clock) -> None:
        """Keep failures in `engine`, judged by `limits` against `clock`."""
        self._engine = engine
        self._limits = limits
        self._clock = clock

    def wait_time(self, username: str, address: str) -> Optional[timedelta]:
        """How long until this name and address may try again; None when they may try now."""
        waits = [
            self._wait_for(_user_key(username), self._limits.per_user),
            self._wait_for(_address_key(address), self._limits.per_address),
        ]
        return max((wait for wait in waits if wait is not None), default=None)

    def record_failure(self, username: str, address: str) -> None:
        """Count a failed login against the name and the address; forget failures past the window."""
        now = self._now()
        with self._engine.begin() as connection:
            connection.execute(
                login_failures_table.delete().where(
                    login_failures_table.c.failed_at < now - self._limits.window
                )
            )
            connection.execute(
                login_failures_table.insert(),
                [
                    {"key": _user_key(username), "failed_at": now},
                    {"key": _address_key(address), "failed_at": now},
                ],
            )

    def record_success(self, username: str) -> None:
        """Forget the name's failures after a successful login (the address keeps its count)."""
        with self._engine.begin() as connection:
            connection.execute(
                login_failures_table.delete().where(login_failures_table.c.key == _user_key(username))
            )

    def _wait_for(self, key: str, limit: int) -> Optional[timedelta]:
        """Time until the oldest failure that counts towards `limit` leaves the window."""
        since = self._now() - self._limits.window
        with self._engine.connect() as connection:
            times = connection.execute(
                sa.select(login_failures_table.c.failed_at)
                .where(login_failures_table.c.key == key)
                .where(login_failures_table.c.failed_at > since)
                .order_by(login_failures_table.c.failed_at.desc())
                .limit(limit)
            ).scalars().all()
        if len(times) < limit:
            return None
        return times[-1] + self._limits.window - self._now()

    def _now(self) -> datetime:
        """Current time as naive UTC, as stored."""
        return as_utc(self._clock()).replace(tzinfo=None)


def _user_key(username: str) -> str:
    """Throttle key of a user name (case-insensitive, as logins are)."""
    return "user:" + username.strip().lower()[:300]


def _address_key(address: str) -> str:
    """Throttle key of a client address."""
    return "address:" + address[:300]
