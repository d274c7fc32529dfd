"""`bot.server.tracker_copies`: a tracker's copy is the tracker Rasa's copy builds, and is its own."""

from __future__ import annotations

from typing import Iterator, List

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker, TrackerActiveLoop

from bot.server import tracker_copies
from tests.bot.server.dialogue_conversation import DOMAIN, action, conversation, user


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install for the test; monkeypatch puts Rasa's copy back afterwards."""
    monkeypatch.setattr(DialogueStateTracker, "copy", DialogueStateTracker.__dict__["copy"])
    monkeypatch.setattr(tracker_copies, "_rasa_copy", None)
    tracker_copies.install()
    yield


def rasa_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker Rasa's own copy builds now."""
    copier = tracker_copies._rasa_copy
    assert copier is not None and copier is not DialogueStateTracker.copy
    return copier(tracker)


def assert_same_state(ours: DialogueStateTracker, rasas: DialogueStateTracker) -> None:
    """Every attribute equal; events the same objects; nothing a caller may change shared with `rasas`."""
    assert ours is not rasas and type(ours) is type(rasas)
    assert vars(ours).keys() == vars(rasas).keys()
    for name, value in vars(rasas).items():
        mine = getattr(ours, name)
        if name == "events":
            assert mine.maxlen == value.maxlen and all(a is b for a, b in zip(mine, value)) and len(mine) == len(value)
        elif name == "slots":
            assert mine.keys() == value.keys()
            assert all(vars(mine[slot]) == vars(value[slot]) for slot in value)
        elif name in ("latest_message", "latest_bot_utterance"):
            logged = any(event is value for event in rasas.events)
            assert (mine is value) if logged else (mine == value and mine is not getattr(rasa_copy(rasas), name)), name
        else:
            assert mine == value, name


def test_every_copy_is_the_tracker_rasa_builds() -> None:
    """After each event of a conversation with slots, a loop, reverts, a followup and a restart."""
    tracker = DialogueStateTracker("c1", DOMAIN.slots)
    tracker.model_id = "model"
    for event in conversation():
        tracker.update(event)
        assert_same_state(tracker.copy(), rasa_copy(tracker))


def test_a_copy_is_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = DialogueStateTracker.from_events("c1", conversation()[:14], DOMAIN.slots)
    first = tracker.copy()
    first.update(SlotSet("vip", True))
    first.update(ActionExecuted("action_check"))
    first.active_loop = TrackerActiveLoop("other", True, True, None)
    first.slots["mood"].value = "calm"
    assert_same_state(tracker.copy(), rasa_copy(tracker))
    assert tracker.copy().active_loop is not tracker.copy().active_loop


def test_changed_or_dropped_earlier_events_are_replayed_again() -> None:
    tracker = DialogueStateTracker.from_events("c1", conversation()[:10], DOMAIN.slots)
    tracker.copy()
    tracker.events[3] = user("thank", "thanks")
    assert_same_state(tracker.copy(), rasa_copy(tracker))
    short = DialogueStateTracker("c2", DOMAIN.slots, max_event_history=5)
    for event in conversation()[:16]:
        short.update(event)
        assert_same_state(short.copy(), rasa_copy(short))


def test_an_event_without_a_time_stops_the_copy_as_in_rasa() -> None:
    events: List[Event] = [action("action_listen"), user("greet"), action("utter_greet"), SlotSet("vip", True)]
    events[2].timestamp = float("nan")
    tracker = DialogueStateTracker.from_events("c1", events, DOMAIN.slots)
    copied = tracker.copy()
    assert_same_state(copied, rasa_copy(tracker))
    assert len(copied.events) == 2


def test_installed_once_and_other_trackers_copied_by_rasa() -> None:
    """Installing again keeps Rasa's copy; a tracker subclass (like training's cached trackers) gets it."""
    rasa_copier = tracker_copies._rasa_copy
    tracker_copies.install()
    assert tracker_copies._rasa_copy is rasa_copier and DialogueStateTracker.copy is tracker_copies.copy_tracker

    class Recorded(DialogueStateTracker):
        """A tracker subclass."""

    tracker = Recorded("c1", DOMAIN.slots)
    tracker.update(user("greet"))
    assert_same_state(tracker.copy(), rasa_copy(tracker))
    assert id(tracker) not in tracker_copies.kept_replays()
