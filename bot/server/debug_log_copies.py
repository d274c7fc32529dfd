"""Rasa copies what its debug log lines show only when debug lines are written.

Rasa 3.6's message processor, MemoizationPolicy and RulePolicy pass deep copies of events, parse
results and dialogue states to every structlog debug line (`rasa_events=copy.deepcopy(events)`), and
Python makes the copy before structlog drops the line: six to ten deep copies per message, all thrown
away at the default log level. `install()` gives those three modules a `copy` whose `deepcopy` hands
the object itself over while structlog's configured logger drops debug lines (what would have been
copied is then never read), and copies as before when debug lines are on. Those modules use `copy`
for nothing else.
"""

from __future__ import annotations

import copy
import logging
from types import ModuleType
from typing import Any, Dict, FrozenSet, List, Optional

import structlog

# The modules whose only use of `copy` is `copy.deepcopy(...)` as an argument of `structlogger.debug`.
PATCHED_MODULES = ("rasa.core.processor", "rasa.core.policies.memoization", "rasa.core.policies.rule_policy")

_originals: Dict[str, Any] = {}


class DebugLogCopy:
    """Stands in for the `copy` module: `deepcopy` copies only when structlog writes debug lines."""

    def __init__(self) -> None:
        """Know structlog's logger classes that drop debug lines (its filtering loggers above DEBUG)."""
        levels = (logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)
        self._dropping_debug: FrozenSet[type] = frozenset(structlog.make_filtering_bound_logger(level) for level in levels)

    def deepcopy(self, value: Any, memo: Optional[Dict[int, Any]] = None) -> Any:
        """`value` itself while debug lines are dropped, else `copy.deepcopy(value)`."""
        if structlog.get_config()["wrapper_class"] in self._dropping_debug:
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        """Everything else of the `copy` module, unchanged."""
        return getattr(copy, name)


def install() -> None:
    """Give the patched modules the stand-in `copy` (idempotent)."""
    if _originals:
        return
    stand_in = DebugLogCopy()
    for module in _modules():
        _originals[module.__name__] = module.copy  # type: ignore[attr-defined]
        module.copy = stand_in  # type: ignore[attr-defined]


def _modules() -> List[ModuleType]:
    """The patched modules, imported."""
    import importlib

    return [importlib.import_module(name) for name in PATCHED_MODULES]
