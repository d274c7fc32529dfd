"""Retry a platform call on 429/5xx with exponential backoff, honouring the platform's Retry-After."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Mapping, Optional, TypeVar

from channels.clock import Clock

T = TypeVar("T")


class RetryableSendError(Exception):
    """The platform said "not now" (429, 5xx, network trouble); `retry_after_s` if it said when."""

    def __init__(self, message: str, retry_after_s: Optional[float] = None) -> None:
        """Keep the platform's own wait hint, if any."""
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PermanentSendError(Exception):
    """The platform refused for good (bad request, blocked bot, opted-out number)."""


class SendFailed(Exception):
    """Every attempt failed; `attempts` were made and the last error is the cause."""

    def __init__(self, message: str, attempts: int) -> None:
        """Say how many attempts were made."""
        super().__init__(message)
        self.attempts = attempts


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts and how long to wait between them."""

    max_attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    max_retry_after_s: float = 120.0

    def delay_after(self, failed_attempts: int, retry_after_s: Optional[float]) -> float:
        """Seconds to wait after `failed_attempts` failures: Retry-After if given, else doubling."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.max_retry_after_s)
        return min(self.base_delay_s * 2 ** (failed_attempts - 1), self.max_delay_s)


async def call_with_retries(
    operation: Callable[[], Awaitable[T]], policy: RetryPolicy, clock: Clock
) -> T:
    """Run `operation` until it succeeds, fails permanently, or runs out of attempts (SendFailed)."""
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return await operation()
        except RetryableSendError as exc:
            if attempt == policy.max_attempts:
                raise SendFailed(
                    f"gave up after {attempt} attempts: {exc}", attempts=attempt
                ) from exc
            await clock.sleep(policy.delay_after(attempt, exc.retry_after_s))
        except PermanentSendError as exc:
            raise SendFailed(f"refused by the platform: {exc}", attempts=attempt) from exc
    raise SendFailed("no attempt was allowed (max_attempts < 1)", attempts=0)


def retry_after_seconds(headers: Optional[Mapping[str, Any]]) -> Optional[float]:
    """The Retry-After header (seconds form) from `headers`, matched case-insensitively."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None
