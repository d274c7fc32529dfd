"""Retry policy and loop: exponential backoff, Retry-After honoured, permanent errors not retried."""

from __future__ import annotations

import asyncio
from typing import List

import pytest

from channels.retry import (
    PermanentSendError,
    RetryableSendError,
    RetryPolicy,
    SendFailed,
    call_with_retries,
    retry_after_seconds,
)
from tests.fakes.clock import FakeClock


class Flaky:
    """An operation that raises the given errors in turn, then succeeds."""

    def __init__(self, errors: List[Exception]) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "sent"


def test_backoff_doubles_up_to_the_cap():
    policy = RetryPolicy(max_attempts=8, base_delay_s=0.5, max_delay_s=3.0)
    assert [policy.delay_after(n, None) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retry_after_wins_but_is_capped():
    policy = RetryPolicy(max_retry_after_s=60)
    assert policy.delay_after(1, 7) == 7
    assert policy.delay_after(1, 600) == 60


def test_retries_until_success_honouring_retry_after():
    clock = FakeClock()
    operation = Flaky([RetryableSendError("429", 4.0), RetryableSendError("503")])
    result = asyncio.run(call_with_retries(operation, RetryPolicy(base_delay_s=0.5), clock))
    assert result == "sent"
    assert operation.calls == 3
    assert clock.sleeps == [4.0, 1.0]


def test_gives_up_after_max_attempts():
    clock = FakeClock()
    operation = Flaky([RetryableSendError("500")] * 5)
    with pytest.raises(SendFailed) as failure:
        asyncio.run(call_with_retries(operation, RetryPolicy(max_attempts=3, base_delay_s=1), clock))
    assert failure.value.attempts == 3
    assert clock.sleeps == [1, 2]


def test_permanent_errors_are_not_retried():
    clock = FakeClock()
    operation = Flaky([PermanentSendError("403 blocked by user")])
    with pytest.raises(SendFailed) as failure:
        asyncio.run(call_with_retries(operation, RetryPolicy(), clock))
    assert failure.value.attempts == 1
    assert clock.sleeps == []


def test_retry_after_header_parsing():
    assert retry_after_seconds({"Retry-After": "12"}) == 12.0
    assert retry_after_seconds({"retry-after": "1.5"}) == 1.5
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None
    assert retry_after_seconds(None) is None
