"""`bot.server.debug_log_copies`: Rasa's debug-line copies are made only when debug lines are written."""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import logging
from typing import Any, Iterator, List

import pytest
import structlog
from rasa.shared.core.events import SlotSet, UserUttered

from bot.server import debug_log_copies


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install for the test; Rasa's `copy` and structlog's configuration are put back afterwards."""
    for name in debug_log_copies.PATCHED_MODULES:
        monkeypatch.setattr(importlib.import_module(name), "copy", copy)
    monkeypatch.setattr(debug_log_copies, "_originals", {})
    config = structlog.get_config()
    debug_log_copies.install()
    yield
    structlog.configure(**config)


def events() -> List[Any]:
    """Events as the processor logs them."""
    return [UserUttered("hi", {"name": "greet", "confidence": 0.9}), SlotSet("order_id", "55213")]


@pytest.mark.parametrize("level", [logging.INFO, logging.WARNING])
def test_nothing_is_copied_while_debug_lines_are_dropped(level: int) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))
    logged = events()
    for name in debug_log_copies.PATCHED_MODULES:
        assert importlib.import_module(name).copy.deepcopy(logged) is logged


@pytest.mark.parametrize("level", [logging.DEBUG, logging.NOTSET])
def test_debug_lines_get_copies_as_before(level: int) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))
    logged = events()
    for name in debug_log_copies.PATCHED_MODULES:
        copied = importlib.import_module(name).copy.deepcopy(logged)
        assert copied == logged and copied is not logged and copied[0] is not logged[0]


def test_rasa_uses_copy_only_for_debug_line_arguments() -> None:
    """If a Rasa upgrade copies anything else in these modules, the stand-in must not be installed."""
    for name in debug_log_copies.PATCHED_MODULES:
        tree = ast.parse(inspect.getsource(importlib.import_module(name)))
        debug_arguments = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "structlogger.debug":
                debug_arguments |= {id(keyword.value) for keyword in node.keywords}
        uses = [node for node in ast.walk(tree) if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "copy"]
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.func in uses]
        assert uses, name
        assert all(use.attr == "deepcopy" for use in uses), name
        assert len(calls) == len(uses) and all(id(call) in debug_arguments for call in calls), name


def test_install_is_idempotent() -> None:
    module = importlib.import_module(debug_log_copies.PATCHED_MODULES[0])
    stand_in = module.copy
    debug_log_copies.install()
    assert module.copy is stand_in and isinstance(stand_in, debug_log_copies.DebugLogCopy)
    assert stand_in.copy is copy.copy
