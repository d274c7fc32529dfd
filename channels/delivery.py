"""Deliver one outbound message: pace per chat, retry, and record it if it finally fails."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from sqlalchemy.exc import SQLAlchemyError

from channels.clock import Clock
from channels.failed_deliveries import FailedDeliveryLog
from channels.pacing import ChatPacer
from channels.retry import RetryPolicy, SendFailed, call_with_retries

logger = logging.getLogger(__name__)


class Deliverer:
    """The one path every platform send goes through; it never raises for platform failures."""

    def __init__(
        self,
        channel: str,
        policy: RetryPolicy,
        failures: FailedDeliveryLog,
        clock: Clock,
        pacer: Optional[ChatPacer] = None,
    ) -> None:
        """Deliver for `channel`, pacing with `pacer` when the platform needs it."""
        self._channel = channel
        self._policy = policy
        self._failures = failures
        self._clock = clock
        self._pacer = pacer

    async def deliver(
        self,
        conversation_id: str,
        chat_key: str,
        text: str,
        send: Callable[[], Awaitable[Any]],
    ) -> bool:
        """Run `send` with pacing and retries; on final failure record it and return False."""

        async def attempt() -> Any:
            if self._pacer is not None:
                await self._pacer.wait_turn(chat_key)
            return await send()

        try:
            await call_with_retries(attempt, self._policy, self._clock)
            return True
        except SendFailed as exc:
            logger.warning(
                "%s reply not delivered after %d attempts; recorded in failed_deliveries",
                self._channel,
                exc.attempts,
            )
            await self.record_failure(conversation_id, text, str(exc), exc.attempts)
            return False

    async def record_failure(
        self, conversation_id: str, text: str, error: str, attempts: int
    ) -> None:
        """Record a reply that will not be delivered (also used when sending is not allowed)."""
        try:
            await self._failures.record(self._channel, conversation_id, text, error, attempts)
        except SQLAlchemyError:
            logger.exception("could not record a failed %s delivery", self._channel)
