"""`bot.server.dialogue_states`: the kept, extended replays give exactly the states Rasa builds afresh."""

from __future__ import annotations

from typing import Any, Callable, Iterator, List

import pytest
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActiveLoop, Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import dialogue_states
from bot.settings import REPO_ROOT
from tests.bot.server.dialogue_conversation import DOMAIN, conversation, RULE_ONLY_DATA, action, user

OPTIONS = [(False, None), (True, None), (True, RULE_ONLY_DATA), (False, RULE_ONLY_DATA)]


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install for the test; monkeypatch puts Rasa's builder back afterwards."""
    monkeypatch.setattr(Domain, "states_for_tracker_history", Domain.__dict__["states_for_tracker_history"])
    monkeypatch.setattr(dialogue_states, "_rasa_states_for_tracker_history", None)
    dialogue_states.install()
    yield


def rasa_states(domain: Domain, tracker: DialogueStateTracker, ignore: bool, data: Any) -> List[State]:
    """The states Rasa's own builder makes of `tracker` now."""
    builder = dialogue_states._rasa_states_for_tracker_history
    assert builder is not None and builder is not Domain.states_for_tracker_history
    return builder(domain, tracker, False, ignore, data)


def grown(domain: Domain, events: List[Event], check: Callable[[DialogueStateTracker], None]) -> None:
    """Add `events` to one tracker one at a time, checking it after each."""
    tracker = DialogueStateTracker("c1", domain.slots)
    for event in events:
        tracker.update(event)
        check(tracker)


@pytest.mark.parametrize("ignore, data", OPTIONS, ids=["plain", "ml", "ml-rule-only", "plain-rule-only"])
def test_states_equal_rasas_after_every_event(ignore: bool, data: Any) -> None:
    """Slots set, a loop, reverts, a followup action, hidden rule turns and a restart included."""
    def check(tracker: DialogueStateTracker) -> None:
        expected = rasa_states(DOMAIN, tracker, ignore, data)
        assert DOMAIN.states_for_tracker_history(tracker, False, ignore, data) == expected
        assert tracker.past_states(DOMAIN, ignore_rule_only_turns=ignore, rule_only_data=data) == expected

    grown(DOMAIN, conversation(), check)


def test_states_equal_rasas_with_our_domain() -> None:
    ours = Domain.load(str(REPO_ROOT / "domain.yml"))
    events = [event for event in conversation() if not isinstance(event, (SlotSet, ActiveLoop))]
    events += [SlotSet("nps_asked", True), SlotSet("awaiting", "product"), action("action_listen"), user("thank")]

    def check(tracker: DialogueStateTracker) -> None:
        for ignore, data in OPTIONS:
            assert ours.states_for_tracker_history(tracker, False, ignore, data) == rasa_states(ours, tracker, ignore, data)

    grown(ours, events, check)


def test_changing_returned_states_never_changes_later_answers() -> None:
    """Policies delete a state's intent or text in place; the next caller still gets Rasa's states."""
    tracker = DialogueStateTracker.from_events("c1", conversation()[:15], DOMAIN.slots)
    expected = rasa_states(DOMAIN, tracker, True, RULE_ONLY_DATA)
    first = DOMAIN.states_for_tracker_history(tracker, False, True, RULE_ONLY_DATA)
    for state in first:
        for sub_state in state.values():
            sub_state.clear()
        state.clear()
    assert DOMAIN.states_for_tracker_history(tracker, False, True, RULE_ONLY_DATA) == expected


def test_events_changed_in_place_or_dropped_are_replayed_again() -> None:
    """A tracker whose earlier events are not the ones replayed gets a fresh replay, not stale states."""
    tracker = DialogueStateTracker.from_events("c1", conversation()[:10], DOMAIN.slots)
    DOMAIN.states_for_tracker_history(tracker)
    tracker.events[7] = user("thank", "thanks")
    assert DOMAIN.states_for_tracker_history(tracker) == rasa_states(DOMAIN, tracker, False, None)
    short = DialogueStateTracker("c2", DOMAIN.slots, max_event_history=4)
    for event in conversation()[:12]:
        short.update(event)
        assert DOMAIN.states_for_tracker_history(short) == rasa_states(DOMAIN, short, False, None)


def test_new_plain_events_replay_only_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = DialogueStateTracker.from_events("c1", conversation()[:20], DOMAIN.slots)
    DOMAIN.states_for_tracker_history(tracker)
    replayed: List[Event] = []
    update = DialogueStateTracker.update
    monkeypatch.setattr(
        DialogueStateTracker, "update", lambda self, event, domain=None: replayed.append(event) or update(self, event, domain)
    )
    tracker.update(action("action_check"))
    tracker.update(SlotSet("vip", True))
    replayed.clear()
    assert DOMAIN.states_for_tracker_history(tracker) == rasa_states(DOMAIN, tracker, False, None)
    assert replayed[:2] == list(tracker.events)[-2:]


def test_other_trackers_and_options_are_rasas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset slots left out, and tracker subclasses (training's cached trackers), go to Rasa's builder."""
    tracker = DialogueStateTracker.from_events("c1", conversation()[:15], DOMAIN.slots)
    expected = dialogue_states._rasa_builder()(DOMAIN, tracker, True, False, None)
    assert DOMAIN.states_for_tracker_history(tracker, omit_unset_slots=True) == expected
    assert id(tracker) not in dialogue_states.kept_replays()


def test_install_is_idempotent() -> None:
    rasa_builder = dialogue_states._rasa_states_for_tracker_history
    dialogue_states.install()
    assert dialogue_states._rasa_states_for_tracker_history is rasa_builder
    assert Domain.states_for_tracker_history is dialogue_states.states_for_tracker_history
