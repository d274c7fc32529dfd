"""Each conversation's tracker kept in memory from one of its turns to the next, trusted only while
the database holds nothing newer.

Reading a conversation rebuilds its tracker from the stored events' JSON, event by event, at every
customer message, although the same process built that very tracker one turn before. `install()`
has Rasa's `MessageProcessor.handle_message` (which runs with the conversation's lock held) mark
its task as a `TurnConversation`; within it, `bot.server.tracker_store.LoudSQLTrackerStore` keeps
the tracker its save just wrote in `KeptTrackers`, with the id of the conversation's newest stored
row, and the next turn takes it back after one query shows that the newest row is still that one.
Anything else that wrote the conversation (another instance, the desk through the HTTP API, a
reminder) wrote a newer row, so the turn reads the database as before. A kept tracker changed
after its save (a turn that failed half-way) is not taken back either.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

_INSTALLED = "brightway_kept_trackers"


@dataclass
class TurnConversation:
    """The conversation whose message this task is handling; its tracker (the one the turn read,
    None until then or when the conversation had none) and the newest stored row (its id; 0: none)
    that tracker holds everything up to (None: not known, nothing will be kept)."""

    sender_id: str
    tracker: Optional[DialogueStateTracker] = None
    newest_row: Optional[int] = None

    def row_of(self, tracker: DialogueStateTracker) -> Optional[int]:
        """The newest stored row `tracker` holds everything up to, if it is the turn's tracker
        (or the first one saved in a conversation that had none)."""
        if self.tracker is tracker or self.tracker is None:
            return self.newest_row
        return None


_TURN: ContextVar[Optional[TurnConversation]] = ContextVar("turn_conversation", default=None)


def turn_of(sender_id: str) -> Optional[TurnConversation]:
    """The turn this task is handling, if it is one of conversation `sender_id`."""
    turn = _TURN.get()
    return turn if turn is not None and turn.sender_id == sender_id else None


@dataclass(frozen=True)
class _Kept:
    """A tracker as its save left it: its newest stored row, how many events it had, the last one."""

    tracker: DialogueStateTracker
    newest_row: int
    event_count: int
    last_event: Optional[Event]


class KeptTrackers:
    """Up to `size` conversations' trackers as their latest turn saved them, least recent dropped first.

    A conversation that another writer wrote between two of its turns here is remembered as
    shared (up to `SHARED_PER_KEPT` x `size` of them, least recent forgotten first) and not kept:
    with several instances behind a balancer that sends a conversation's messages to them in turn,
    its kept tracker would never be taken back, and checking it would only cost queries.
    """

    SHARED_PER_KEPT = 4

    def __init__(self, size: int) -> None:
        """Keep at most `size` trackers (0: keep none)."""
        if size < 0:
            raise ValueError(f"kept_conversations must be 0 or more, not {size}")
        self.size = size
        self._kept: "OrderedDict[str, _Kept]" = OrderedDict()
        self._shared: "OrderedDict[str, None]" = OrderedDict()

    def is_shared(self, sender_id: str) -> bool:
        """Whether another writer wrote conversation `sender_id` between two of its turns here lately."""
        return sender_id in self._shared

    def __len__(self) -> int:
        """How many trackers are kept."""
        return len(self._kept)

    def __contains__(self, sender_id: object) -> bool:
        """Whether a tracker is kept for conversation `sender_id`."""
        return sender_id in self._kept

    def keep(self, tracker: DialogueStateTracker, newest_row: int) -> None:
        """Keep `tracker`, whose events are exactly its conversation's stored ones up to row `newest_row`."""
        if self.size == 0:
            return
        events = tracker.events
        self._kept[tracker.sender_id] = _Kept(tracker, newest_row, len(events), events[-1] if events else None)
        self._kept.move_to_end(tracker.sender_id)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def take(self, sender_id: str, newest_row: int) -> Optional[DialogueStateTracker]:
        """The kept tracker of `sender_id`, given back once, if the conversation's newest stored row
        is still `newest_row` and the tracker is as its save left it; else None."""
        kept = self._kept.pop(sender_id, None)
        if kept is None:
            return None
        if kept.newest_row != newest_row:
            self._shared[sender_id] = None
            self._shared.move_to_end(sender_id)
            while len(self._shared) > self.SHARED_PER_KEPT * self.size:
                self._shared.popitem(last=False)
            return None
        events = kept.tracker.events
        if len(events) != kept.event_count or (events and events[-1] is not kept.last_event):
            return None
        return kept.tracker

    def drop(self, sender_id: str) -> None:
        """Forget the tracker kept for `sender_id`, if any."""
        self._kept.pop(sender_id, None)

    def clear(self) -> None:
        """Forget every kept tracker (the domain changed: their slots are the old domain's)."""
        self._kept.clear()
        self._shared.clear()


def marking_turns(handle_message: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`MessageProcessor.handle_message` that marks its task as a turn of the message's conversation."""

    @functools.wraps(handle_message)
    async def handle(self: MessageProcessor, message: UserMessage) -> Any:
        token = _TURN.set(TurnConversation(message.sender_id))
        try:
            return await handle_message(self, message)
        finally:
            _TURN.reset(token)

    return handle


def install() -> None:
    """Make Rasa's message handling mark its turns, so the tracker store may keep trackers (idempotent)."""
    if getattr(MessageProcessor, _INSTALLED, False):
        return
    MessageProcessor.handle_message = marking_turns(MessageProcessor.handle_message)  # type: ignore[method-assign]
    setattr(MessageProcessor, _INSTALLED, True)
