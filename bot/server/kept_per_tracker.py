"""Something kept beside each live Rasa tracker and dropped with it (trackers cannot be dict keys).

`DialogueStateTracker` defines equality without a hash, so a `WeakKeyDictionary` cannot hold it;
`KeptPerTracker` keys by identity, checks that the kept value still belongs to the same object and
forgets it when the tracker is collected. Used by `bot.server.dialogue_states` for the replays it
keeps.
"""

from __future__ import annotations

import weakref
from typing import Dict, Generic, List, Optional, Tuple, TypeVar

from rasa.shared.core.trackers import DialogueStateTracker

Kept = TypeVar("Kept")


class KeptPerTracker(Generic[Kept]):
    """One value per live tracker object."""

    def __init__(self) -> None:
        """Nothing kept yet."""
        self._kept: Dict[int, Tuple["weakref.ReferenceType[DialogueStateTracker]", Kept]] = {}

    def get(self, tracker: DialogueStateTracker) -> Optional[Kept]:
        """The value kept for this very tracker, if any."""
        found = self._kept.get(id(tracker))
        if found is None or found[0]() is not tracker:
            return None
        return found[1]

    def put(self, tracker: DialogueStateTracker, value: Kept) -> None:
        """Keep `value` for `tracker` until the tracker is collected or another value replaces it."""
        key = id(tracker)
        if self.get(tracker) is None:
            weakref.finalize(tracker, self._kept.pop, key, None)
        self._kept[key] = (weakref.ref(tracker), value)

    def drop(self, tracker: DialogueStateTracker) -> None:
        """Forget the value kept for `tracker`."""
        self._kept.pop(id(tracker), None)

    def tracker_ids(self) -> List[int]:
        """The ids of the trackers something is kept for (for tests: it goes with its tracker)."""
        return list(self._kept)
