"""A tracker's copy, which Rasa makes before every action, cloned from a replay kept beside the tracker.

Rasa 3.6's `DialogueStateTracker.copy` builds a new tracker and replays every event of the
conversation into it, and the message processor copies the tracker before it runs each action
(three times per message on our bot, 0.04 ms each on a short conversation, more as it grows).
`install()` keeps, per live tracker, the tracker Rasa's copy would build, brought up to date by
replaying only the events added since (all of them again when the earlier events are not the same
objects any more), and hands out a clone of it: a new tracker with that state and its own event
list, slots, latest action, active loop and blank messages, so a caller may change it as it likes.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional

from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.kept_per_tracker import KeptPerTracker

TrackerCopier = Callable[[DialogueStateTracker], DialogueStateTracker]

_rasa_copy: Optional[TrackerCopier] = None
_replays: "KeptPerTracker[_Replay]" = KeptPerTracker()


@dataclass
class _Replay:
    """A tracker's events replayed into a fresh tracker so far, as Rasa's copy replays them."""

    events: List[Event]
    tracker: DialogueStateTracker


def copy_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A new tracker equal to the one `DialogueStateTracker.copy` would build by replaying `tracker`."""
    plain = type(tracker) is DialogueStateTracker and type(tracker.slots) is dict
    replay = _replay_of(tracker) if plain else None
    if replay is None:
        return (_rasa_copy or DialogueStateTracker.copy)(tracker)
    return _clone(replay.tracker)


def install() -> None:
    """Make `DialogueStateTracker.copy` clone the kept replays (idempotent)."""
    global _rasa_copy
    if _rasa_copy is None:
        _rasa_copy = DialogueStateTracker.copy
        DialogueStateTracker.copy = copy_tracker  # type: ignore[assignment]


def _replay_of(tracker: DialogueStateTracker) -> Optional[_Replay]:
    """The tracker's replay brought up to its events, or None when Rasa's copy would stop early."""
    events = list(tracker.events)
    replay = _replays.get(tracker)
    if replay is None or not _starts_with(events, replay.events):
        replay = _Replay([], tracker.init_copy())
        _replays.put(tracker, replay)
    for event in events[len(replay.events):]:
        if not event.timestamp <= math.inf:  # Rasa's copy stops at such an event
            _replays.drop(tracker)
            return None
        replay.tracker.update(event)
        replay.events.append(event)
    return replay


def _starts_with(events: List[Event], prefix: List[Event]) -> bool:
    """True when `events` begin with the very objects of `prefix`."""
    return len(events) >= len(prefix) and all(old is new for old, new in zip(prefix, events))


def _clone(source: DialogueStateTracker) -> DialogueStateTracker:
    """A new tracker in `source`'s state that shares no state a caller could change with it."""
    clone = DialogueStateTracker.__new__(DialogueStateTracker)
    clone.__dict__.update(source.__dict__)
    clone.events = deque(source.events, source.events.maxlen)
    clone.slots = {name: copy.copy(slot) for name, slot in source.slots.items()}
    if source.latest_action is not None:
        clone.latest_action = dict(source.latest_action)
    if source.active_loop is not None:
        clone.active_loop = dataclasses.replace(source.active_loop)
    clone.latest_message = _shared_only_if_logged(source.latest_message, source.events)
    clone.latest_bot_utterance = _shared_only_if_logged(source.latest_bot_utterance, source.events)
    return clone


def _shared_only_if_logged(message: Optional[Event], events: Iterable[Event]) -> Optional[Event]:
    """`message` itself when it is one of the events (Rasa's copy shares those too), else a copy of
    it (the blank message a reset leaves, which Rasa's copy builds anew)."""
    if message is None or any(event is message for event in reversed(events)):  # type: ignore[call-overload]
        return message
    return copy.copy(message)


def kept_replays() -> List[int]:
    """The ids of the trackers whose replays are kept (for tests: a replay goes with its tracker)."""
    return _replays.tracker_ids()
