"""`bot.server.event_types`: Rasa finds event classes by name from an index, with Rasa's exact answers."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Optional, Text

import pytest
from rasa.shared.core.events import Event, SlotSet, UserUttered, deserialise_events
from rasa.shared.utils.common import all_subclasses

from bot.server import event_types


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    """Install for the test (it is idempotent; other tests in the process see Rasa's behaviour)."""
    rasa_resolver = Event.resolve_by_type
    event_types.install()
    yield
    if event_types._rasa_resolver is not None:
        Event.resolve_by_type = staticmethod(event_types._rasa_resolver)  # type: ignore[assignment]
        event_types._rasa_resolver = None
    assert Event.resolve_by_type is rasa_resolver


def test_every_event_type_resolves_to_the_class_rasa_finds() -> None:
    """Including names several classes share (Rasa's test module subclasses UserUttered as "user"):
    the first in Rasa's order wins, as in Rasa."""
    rasa_resolver = event_types._rasa_resolver
    assert rasa_resolver is not None
    names = {event_class.type_name for event_class in all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started"} <= names
    for name in names:
        assert Event.resolve_by_type(name) is rasa_resolver(name)


def test_unknown_names_topic_and_defaults_behave_as_in_rasa() -> None:
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet


def test_an_event_class_defined_later_is_found() -> None:
    class Nudged(Event):
        """An event type that did not exist when the index was first built."""

        type_name = "brightway_test_nudged"

        def __eq__(self, other: Any) -> bool:
            return isinstance(other, Nudged)

        def __hash__(self) -> int:
            return 1

        def as_story_string(self) -> Optional[Text]:
            return None

    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("brightway_test_nudged") is Nudged


def test_stored_events_deserialise_to_the_same_objects() -> None:
    stored: list[Dict[str, Any]] = [
        {"event": "user", "timestamp": 1.0, "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 1.0}}},
        {"event": "slot", "timestamp": 2.0, "name": "product", "value": "Volt Power Bank"},
        {"event": "action", "timestamp": 3.0, "name": "action_listen"},
    ]
    events = deserialise_events(stored)
    assert [type(event).__name__ for event in events] == ["UserUttered", "SlotSet", "ActionExecuted"]
    assert events[1] == SlotSet("product", "Volt Power Bank", timestamp=2.0)
