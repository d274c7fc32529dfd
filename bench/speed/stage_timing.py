"""Timing the stages of a Rasa turn by wrapping the methods that do them (for `latency_profile`)."""

from __future__ import annotations

import asyncio
import functools
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Any, Dict, Iterator

STAGES = [
    ("nlu", "NLU pipeline (parse_message), incl. frustration scoring"),
    ("frustration", "  of which frustration scoring (FrustrationClassifier.process)"),
    ("policies", "policies (predict next action), incl. handoff policy"),
    ("handoff_policy", "  of which HandoffPolicy"),
    ("custom_action", "custom actions (RemoteAction.run: request, gateway, action code, checks)"),
    ("action_request", "  of which building the request (whole tracker as JSON)"),
    ("action_validation", "  of which jsonschema check of the answer (Rasa 3.6)"),
    ("response_action", "responses (utter_*)"),
    ("tracker_retrieve", "tracker store reads (SQL, SQLite file; a kept tracker's check)"),
    ("tracker_save", "tracker store writes (SQL, SQLite file)"),
]
TOP_LEVEL = ["nlu", "policies", "custom_action", "response_action", "tracker_retrieve", "tracker_save"]


class StageClock:
    """Accumulates seconds per stage for the turn in progress; nested calls of a stage count once."""

    def __init__(self) -> None:
        """No turn yet."""
        self.turn: Dict[str, float] = defaultdict(float)
        self._depth: Dict[str, int] = defaultdict(int)

    def new_turn(self) -> Dict[str, float]:
        """Start a turn; return the finished one's totals."""
        finished, self.turn = self.turn, defaultdict(float)
        return dict(finished)

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        """Time the body as `stage` (only the outermost of nested calls)."""
        self._depth[stage] += 1
        started = time.perf_counter()
        try:
            yield
        finally:
            self._depth[stage] -= 1
            if self._depth[stage] == 0:
                self.turn[stage] += time.perf_counter() - started


def wrap(owner: Any, method: str, stage: str, clock: StageClock) -> None:
    """Replace `owner.method` (sync or async) by a version timed as `stage`."""
    original = getattr(owner, method)
    if asyncio.iscoroutinefunction(original):

        @functools.wraps(original)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            with clock.timing(stage):
                return await original(*args, **kwargs)

        setattr(owner, method, timed_async)
    else:

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with clock.timing(stage):
                return original(*args, **kwargs)

        setattr(owner, method, timed)


def instrument(clock: StageClock) -> None:
    """Wrap the Rasa and project methods that make up a turn."""
    from rasa.core.actions.action import ActionBotResponse, RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore

    from bot.handoff.policy import HandoffPolicy
    from bot.nlu.frustration_classifier import FrustrationClassifier
    from bot.server.tracker_store import LoudSQLTrackerStore

    wrap(MessageProcessor, "parse_message", "nlu", clock)
    wrap(MessageProcessor, "_predict_next_with_tracker", "policies", clock)
    wrap(RemoteAction, "run", "custom_action", clock)
    wrap(RemoteAction, "_action_call_format", "action_request", clock)
    wrap(RemoteAction, "_validate_action_result", "action_validation", clock)
    wrap(ActionBotResponse, "run", "response_action", clock)
    wrap(SQLTrackerStore, "_retrieve", "tracker_retrieve", clock)
    wrap(SQLTrackerStore, "save", "tracker_save", clock)
    wrap(LoudSQLTrackerStore, "_retrieve", "tracker_retrieve", clock)
    wrap(LoudSQLTrackerStore, "_retrieve_for_turn", "tracker_retrieve", clock)  # a turn's read or kept tracker
    wrap(LoudSQLTrackerStore, "save", "tracker_save", clock)
    wrap(FrustrationClassifier, "process", "frustration", clock)
    wrap(HandoffPolicy, "predict_action_probabilities", "handoff_policy", clock)
