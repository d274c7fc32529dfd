"""Tests for bot/handoff/start.py: recording a handoff, telling agents and wording the customer notice."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.handoff.business_hours import BusinessHours
from bot.handoff.desk_notice import LogDesk
from bot.handoff.escalation import EscalationDecision
from bot.handoff.start import HandoffService, HandoffStarted
from bot.handoff.store import HandoffStore
from bot.settings import HandoffSettings
from tests.builders import ManualClock

FRUSTRATED = EscalationDecision(True, "frustration", 0.93, ("complaint", "third_time"))
TRANSCRIPT = [{"role": "customer", "text": "Useless!!!", "at": "2026-11-25T12:00:00+00:00"}]


@pytest.fixture
def store(engine: Engine, clock: ManualClock) -> HandoffStore:
    """The real handoff store."""
    return HandoffStore(engine, clock)


@pytest.fixture
def service(store: HandoffStore, desk_outbox: Path, clock: ManualClock) -> HandoffService:
    """The handoff service with the default London desk hours."""
    return HandoffService(store, LogDesk(desk_outbox), BusinessHours(HandoffSettings()), clock)


def start(service: HandoffService, decision: EscalationDecision = FRUSTRATED) -> HandoffStarted:
    """Start a handoff for a Telegram customer."""
    return service.start("c-1", "telegram", "Ann", decision, TRANSCRIPT)


def test_start_records_the_handoff_with_reason_score_and_transcript(
    service: HandoffService, store: HandoffStore
) -> None:
    started = start(service)

    stored = store.get(started.handoff.id)
    assert (stored.reason, stored.frustration_score) == ("frustration", 0.93)
    assert stored.signals == ("complaint", "third_time")
    assert stored.transcript == TRANSCRIPT
    assert (stored.channel, stored.customer) == ("telegram", "Ann")


def test_start_notifies_the_desk(service: HandoffService, desk_outbox: Path) -> None:
    started = start(service)

    notices = [json.loads(line) for line in desk_outbox.read_text(encoding="utf-8").splitlines()]
    assert [notice["handoff_id"] for notice in notices] == [started.handoff.id]


def test_a_decision_without_reason_is_recorded_as_customer_asked(
    service: HandoffService, store: HandoffStore
) -> None:
    started = start(service, EscalationDecision(False, None, 0.1, ()))

    assert store.get(started.handoff.id).reason == "customer_asked"


def test_customer_is_told_a_person_takes_over_with_the_reference_in_hours(service: HandoffService) -> None:
    started = start(service)

    message = started.customer_message
    assert "handing you over to a person" in message
    assert "won't have to repeat yourself" in message
    assert "within a few minutes" in message
    assert message.endswith(f"Your reference is {started.handoff.id}.")


def test_customer_is_told_honestly_when_the_team_is_back_off_hours(
    service: HandoffService, clock: ManualClock
) -> None:
    clock.now = datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)  # Wednesday 23:00 London

    message = start(service).customer_message

    assert "offline right now" in message
    assert "back at 08:00 on Thursday (Europe/London time, in about 9 h)" in message
    assert "within a few minutes" not in message


def test_off_hours_wait_is_at_least_one_hour_in_the_message(service: HandoffService) -> None:
    message = service.customer_message("H-X", datetime(2026, 11, 25, 7, 50, tzinfo=timezone.utc))

    assert "in about 1 h" in message
