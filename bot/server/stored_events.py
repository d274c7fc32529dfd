"""Which of a tracker's events are already in the tracker store, known from the store's own read.

Rasa 3.6's SQL store finds out at every save by counting the conversation's stored events again.
The store knows it already: a tracker it read holds exactly the stored events, and after it
appended a tracker's new events all of them are stored. `StoredEvents` remembers, per tracker
object (for as long as the object lives), how many leading events are stored and which event
object was the last of them, so a save can append the rest without reading the database. A
tracker the store did not read or write itself (built from a request, or after a failed read) is
unknown here, and the store falls back to Rasa's count.
"""

from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass
from typing import Dict, List, Optional, Set

from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker


@dataclass
class _Mark:
    """How many leading events of one tracker are stored, and the last of them (None: none)."""

    tracker: "weakref.ReferenceType[DialogueStateTracker]"
    count: int
    last: Optional[Event]


class StoredEvents:
    """Per tracker object: how many of its events the store holds; per conversation: known empty."""

    def __init__(self) -> None:
        """Nothing known yet."""
        self._marks: Dict[int, _Mark] = {}
        self._absent: Set[str] = set()

    def mark_stored(self, tracker: DialogueStateTracker) -> None:
        """Every event of `tracker` is now in the store (it was just read, or its events appended)."""
        self._absent.discard(tracker.sender_id)
        key = id(tracker)
        if key not in self._marks:
            reference = weakref.ref(tracker, lambda _: self._marks.pop(key, None))
        else:
            reference = self._marks[key].tracker
        events = tracker.events
        self._marks[key] = _Mark(reference, len(events), events[-1] if events else None)

    def mark_absent(self, conversation_id: str) -> None:
        """A read found no events for `conversation_id`: the next tracker saved for it starts at 0."""
        self._absent.add(conversation_id)

    def forget(self, conversation_id: str) -> None:
        """Nothing is known about `conversation_id` being empty any more (a read failed, or another
        path wrote it)."""
        self._absent.discard(conversation_id)

    def unstored(self, tracker: DialogueStateTracker) -> Optional[List[Event]]:
        """The events of `tracker` not yet in the store, or None when that is not known here (the
        caller then asks the database). A tracker whose known stored part changed is unknown too."""
        events = tracker.events
        if events.maxlen is not None:
            return None
        mark = self._marks.get(id(tracker))
        if mark is not None and mark.tracker() is tracker:
            count = mark.count
            if count > len(events) or (count and events[count - 1] is not mark.last):
                return None
        elif tracker.sender_id in self._absent:
            count = 0
        else:
            return None
        return list(itertools.islice(events, count, None))
