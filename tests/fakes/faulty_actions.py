"""The project's actions plus faults on demand, for the fault tests of both action modes.

Load it where the actions run (`actions_module: tests.fakes.faulty_actions` in process, or
`python -m rasa_sdk --actions tests.fakes.faulty_actions`). `action_answer_policy` and the
test-only `action_fixed_answer` misbehave while the file named by `FAULTY_ACTIONS_SWITCH` says
so: `raise` raises, `hang` blocks the thread for `FAULTY_ACTIONS_HANG_SECONDS` (default 1.5 s; a
blocking sleep, the worst case), `reject` rejects the call as a form would. No file: no fault.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection

import actions
from actions.policies import ActionAnswerPolicy

for _module in pkgutil.iter_modules(actions.__path__):
    importlib.import_module(f"actions.{_module.name}")

FIXED_TEXT = "Returns: 30 days."
hang_started = threading.Event()  # set when a hang begins (seen by in-process tests)


def switched_on_fault() -> str:
    """The fault the switch file names now ("" when there is none)."""
    switch = os.environ.get("FAULTY_ACTIONS_SWITCH")
    try:
        return Path(switch).read_text(encoding="utf-8").strip() if switch else ""
    except FileNotFoundError:
        return ""


def misbehave_if_asked(action: str) -> None:
    """Raise, block or reject when the switch file says so."""
    fault = switched_on_fault()
    if fault == "raise":
        raise RuntimeError("fault injected by the test")
    if fault == "hang":
        hang_started.set()
        time.sleep(float(os.environ.get("FAULTY_ACTIONS_HANG_SECONDS", "1.5")))
    if fault == "reject":
        raise ActionExecutionRejection(action, "rejected by the test")


class FaultyAnswerPolicy(ActionAnswerPolicy):
    """`action_answer_policy` (registered after the real one, so it replaces it), with faults."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Misbehave if asked, else answer as the real action does."""
        misbehave_if_asked(self.name())
        return await super().run(dispatcher, tracker, domain)


class FixedAnswer(Action):
    """`action_fixed_answer`: one slot and one text, unless asked to misbehave."""

    def name(self) -> str:
        """Action name (not in the domain; called by the gateway tests directly)."""
        return "action_fixed_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        """Misbehave if asked, else set `x` to 1 and say `FIXED_TEXT`."""
        misbehave_if_asked(self.name())
        dispatcher.utter_message(text=FIXED_TEXT)
        return [SlotSet("x", 1)]
