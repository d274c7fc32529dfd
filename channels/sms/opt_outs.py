"""Phone numbers that texted STOP: nothing is sent to them until they text START."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from channels.clock import Clock
from channels.sql_calls import run_sql
from channels.tables import sms_opt_outs

# Built once: every SMS webhook asks, and a prebuilt statement skips SQLAlchemy's per-call rebuild.
_OPTED_OUT = sa.select(sms_opt_outs.c.phone).where(sms_opt_outs.c.phone == sa.bindparam("phone"))


class OptOutRegistry:
    """The `sms_opt_outs` table (permanent, unlike the TTL store)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        """Use `engine` (tables must exist), timestamps from `clock`."""
        self._engine = engine
        self._clock = clock

    async def opt_out(self, phone: str) -> None:
        """Record that `phone` does not want messages."""
        await run_sql(self._engine, lambda: self._opt_out(phone))

    async def opt_in(self, phone: str) -> None:
        """Forget a previous opt-out."""
        await run_sql(self._engine, lambda: self._opt_in(phone))

    async def is_opted_out(self, phone: str) -> bool:
        """True when `phone` texted STOP and not START since."""
        return await run_sql(self._engine, lambda: self._is_opted_out(phone))

    def _opt_out(self, phone: str) -> None:
        row = {"phone": phone, "opted_out_at": datetime.fromtimestamp(self._clock.time(), tz=timezone.utc)}
        try:
            with self._engine.begin() as conn:
                conn.execute(sa.insert(sms_opt_outs).values(**row))
        except IntegrityError:
            return

    def _opt_in(self, phone: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(sa.delete(sms_opt_outs).where(sms_opt_outs.c.phone == phone))

    def _is_opted_out(self, phone: str) -> bool:
        with self._engine.connect() as conn:
            return conn.execute(_OPTED_OUT, {"phone": phone}).first() is not None
