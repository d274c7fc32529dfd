"""No long holds: when unclaimed handoffs escalate, off-hours waits, and auto-close."""

from __future__ import annotations

from datetime import time

from sqlalchemy.engine import Engine

from bot.handoff.business_hours import BusinessHours
from bot.handoff.store import HandoffStore
from bot.settings import DeskSettings, HandoffSettings
from desk.hold_monitor import HoldMonitor, escalation_message
from tests.builders import ManualClock

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def monitor(opens: time = time(8, 0), closes: time = time(22, 0)) -> HoldMonitor:
    hours = BusinessHours(HandoffSettings(timezone="UTC", open=opens, close=closes, days=WEEKDAYS))
    return HoldMonitor(DeskSettings(escalate_after_minutes=5, auto_close_hours=24), hours)


def open_handoff(store: HandoffStore, conversation: str = "c1"):
    return store.open(conversation, "sms", "+15550000000", "frustration", 0.9, ("all_caps",), [])


def test_unclaimed_handoff_escalates_after_the_limit_and_again_an_interval_later(engine: Engine, clock: ManualClock) -> None:
    store = HandoffStore(engine, clock)
    handoff = open_handoff(store)
    watch = monitor()
    assert watch.due_for_escalation(store.queue(), clock()) == []
    clock.advance(minutes=5)
    due = watch.due_for_escalation(store.queue(), clock())
    assert [h.id for h in due] == [handoff.id]
    assert store.mark_escalated(due[0]) is True
    assert store.mark_escalated(due[0]) is False
    assert watch.due_for_escalation(store.queue(), clock()) == []
    clock.advance(minutes=5)
    assert [h.id for h in watch.due_for_escalation(store.queue(), clock())] == [handoff.id]


def test_claimed_handoffs_do_not_escalate(engine: Engine, clock: ManualClock) -> None:
    store = HandoffStore(engine, clock)
    store.claim(open_handoff(store).id, "alice")
    clock.advance(minutes=30)
    assert monitor().due_for_escalation(store.queue(), clock()) == []


def test_off_hours_handoffs_wait_for_the_opening_then_escalate(engine: Engine, clock: ManualClock) -> None:
    clock.now = clock.now.replace(hour=23, minute=0)
    store = HandoffStore(engine, clock)
    open_handoff(store)
    watch = monitor()
    clock.advance(hours=8)
    assert watch.due_for_escalation(store.queue(), clock()) == []
    clock.now = clock.now.replace(hour=8, minute=3)
    assert watch.due_for_escalation(store.queue(), clock()) == []
    clock.now = clock.now.replace(hour=8, minute=6)
    assert len(watch.due_for_escalation(store.queue(), clock())) == 1


def test_handoffs_open_too_long_are_due_for_auto_close(engine: Engine, clock: ManualClock) -> None:
    store = HandoffStore(engine, clock)
    first = open_handoff(store, "old")
    clock.advance(hours=23)
    open_handoff(store, "new")
    clock.advance(hours=1)
    assert [h.id for h in monitor().due_for_auto_close(store.queue(), clock())] == [first.id]


def test_queue_position_counts_unclaimed_oldest_first(engine: Engine, clock: ManualClock) -> None:
    store = HandoffStore(engine, clock)
    first = open_handoff(store, "a")
    clock.advance(minutes=1)
    second = open_handoff(store, "b")
    queue = store.queue()
    assert monitor().waiting_position(queue, second) == 2
    store.claim(first.id, "alice")
    assert monitor().waiting_position(store.queue(), second) == 1
    assert "you're next" in escalation_message(1) and "number 3" in escalation_message(3)
