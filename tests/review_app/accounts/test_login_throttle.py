"""Tests for review_app/accounts/login_throttle.py: failures lock a name or an address for the window, with a clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from review_app.accounts.login_throttle import LoginThrottle, ThrottleLimits
from tests.builders import ManualClock


@pytest.fixture
def throttle(engine: Engine, clock: ManualClock) -> LoginThrottle:
    """Three failures per name, five per address, within ten minutes."""
    return LoginThrottle(engine, ThrottleLimits(per_user=3, per_address=5, window=timedelta(minutes=10)), clock)


def test_a_name_is_locked_after_the_limit_until_the_oldest_failure_expires(throttle: LoginThrottle,
                                                                           clock: ManualClock) -> None:
    for _ in range(3):
        assert throttle.wait_time("lea", "10.0.0.1") is None
        throttle.record_failure("lea", "10.0.0.1")
        clock.advance(minutes=1)
    assert throttle.wait_time("LEA", "10.0.0.2") == timedelta(minutes=7)
    clock.advance(minutes=7)
    assert throttle.wait_time("lea", "10.0.0.1") is None


def test_success_clears_the_name_but_not_the_address(throttle: LoginThrottle) -> None:
    for _ in range(3):
        throttle.record_failure("lea", "10.0.0.1")
    throttle.record_success("lea")
    assert throttle.wait_time("lea", "10.0.0.9") is None
    throttle.record_failure("bob", "10.0.0.1")
    throttle.record_failure("cy", "10.0.0.1")
    assert throttle.wait_time("dora", "10.0.0.1") is not None


def test_old_failures_are_forgotten(throttle: LoginThrottle, clock: ManualClock) -> None:
    throttle.record_failure("lea", "10.0.0.1")
    throttle.record_failure("lea", "10.0.0.1")
    clock.advance(minutes=11)
    throttle.record_failure("lea", "10.0.0.1")
    assert throttle.wait_time("lea", "10.0.0.1") is None
