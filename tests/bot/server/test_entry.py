"""`bot.server.entry` and `bot.server.answer_check`: the start-up steps every server of ours runs."""

from __future__ import annotations

import copy
import importlib
import logging
import sys
from typing import Any, Dict, List

import pytest
import rasa.core.processor
import rasa.core.run
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event

from bot.server import answer_check as action_answer_check
from bot.server.blas_threads import THREADS_VARIABLE
from bot.server import (
    debug_log_copies, dialogue_states, empty_domain, encode_ahead, event_types, frozen_startup_heap, kept_trackers, rule_lookup,
)
from bot.server.entry import main

VALID_ANSWER: Dict[str, Any] = {
    "events": [{"event": "slot", "name": "order_id", "value": "55213"}],
    "responses": [{"text": "Order 55213 is on its way."}],
}
BAD_ANSWERS: List[Any] = [
    {"events": [{"name": "order_id"}]},
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": "order_id", "timestamp": "yesterday"}]},
]


@pytest.fixture
def rasa_check(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Rasa's own check, event resolver and BLAS thread setting, put back after the test whatever
    `main` installs."""
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    original = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(event_types, "_rasa_resolver", event_types._rasa_resolver)
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", rasa.core.processor.DaskGraphRunner)
    monkeypatch.setattr(Domain, "is_empty", Domain.__dict__["is_empty"])
    monkeypatch.setattr(empty_domain, "_rasa_is_empty", empty_domain._rasa_is_empty)
    monkeypatch.setattr(Domain, "states_for_tracker_history", Domain.__dict__["states_for_tracker_history"])
    monkeypatch.setattr(dialogue_states, "_rasa_states_for_tracker_history", dialogue_states._rasa_states_for_tracker_history)
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RulePolicy.__dict__["_get_possible_keys"])
    monkeypatch.setattr(RulePolicy, "_is_rule_applicable", RulePolicy.__dict__["_is_rule_applicable"])
    monkeypatch.setattr(rule_lookup, "_rasa_get_possible_keys", rule_lookup._rasa_get_possible_keys)
    for name in debug_log_copies.PATCHED_MODULES:
        monkeypatch.setattr(importlib.import_module(name), "copy", copy)
    monkeypatch.setattr(debug_log_copies, "_originals", {})
    monkeypatch.setattr(rasa.core.run, "load_agent_on_start", rasa.core.run.load_agent_on_start)
    monkeypatch.setattr(frozen_startup_heap, "_rasa_load_agent_on_start", None)
    monkeypatch.setattr(MessageProcessor, "handle_message", MessageProcessor.__dict__["handle_message"])
    monkeypatch.setattr(MessageProcessor, "parse_message", MessageProcessor.__dict__["parse_message"])
    monkeypatch.setattr(MessageProcessor, encode_ahead._INSTALLED, False, raising=False)
    monkeypatch.setattr(MessageProcessor, kept_trackers._INSTALLED, False, raising=False)
    return original


def test_main_runs_the_module_with_cleaning_and_the_prebuilt_check(monkeypatch: pytest.MonkeyPatch, rasa_check: Any) -> None:
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    calls: List[Any] = []
    previous = logging.getLogRecordFactory()
    rasa_processor = {name: MessageProcessor.__dict__[name] for name in ("handle_message", "parse_message")}
    try:
        code = main(["-m", "rasa", "run", "--port", "5005"], run_module=lambda *a, **k: calls.append((a, k)))
        assert getattr(logging.getLogRecordFactory(), "brightway_privacy", False)
    finally:
        logging.setLogRecordFactory(previous)
    assert code == 0
    assert calls == [(("rasa",), {"run_name": "__main__", "alter_sys": True})]
    assert sys.argv == ["rasa", "run", "--port", "5005"]
    assert RemoteAction._validate_action_result is not rasa_check
    assert Domain.is_empty is empty_domain.is_empty
    assert Domain.states_for_tracker_history is dialogue_states.states_for_tracker_history
    assert RulePolicy._get_possible_keys is rule_lookup.possible_rule_keys
    marking_turns = MessageProcessor.handle_message
    assert marking_turns.__code__ is kept_trackers.marking_turns(rasa_processor["handle_message"]).__code__
    assert marking_turns.__wrapped__.__wrapped__ is rasa_processor["handle_message"]  # type: ignore[attr-defined]
    assert MessageProcessor.parse_message.__wrapped__ is rasa_processor["parse_message"]  # type: ignore[attr-defined]
    assert isinstance(rasa.core.processor.copy, debug_log_copies.DebugLogCopy)
    assert frozen_startup_heap._rasa_load_agent_on_start is not None


def test_main_without_a_module_explains_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rasa"]) == 2
    assert "usage" in capsys.readouterr().err


def test_prebuilt_check_accepts_what_rasa_accepts(rasa_check: Any) -> None:
    action = RemoteAction("action_order_status", None)
    assert rasa_check(action, VALID_ANSWER) is True
    action_answer_check.install()
    assert RemoteAction._validate_action_result(action, VALID_ANSWER) is True


@pytest.mark.parametrize("answer", BAD_ANSWERS, ids=["event-without-type", "events-not-a-list", "timestamp-not-a-number"])
def test_prebuilt_check_refuses_with_rasas_error(rasa_check: Any, answer: Any) -> None:
    action = RemoteAction("action_order_status", None)
    with pytest.raises(ValidationError) as rasas:
        rasa_check(action, answer)
    action_answer_check.install()
    with pytest.raises(ValidationError) as ours:
        RemoteAction._validate_action_result(action, answer)
    assert ours.value.message == rasas.value.message and "custom-actions" in ours.value.message
    assert list(ours.value.path) == list(rasas.value.path)


def test_install_twice_keeps_one_check(rasa_check: Any) -> None:
    action_answer_check.install()
    first = RemoteAction._validate_action_result
    action_answer_check.install()
    assert RemoteAction._validate_action_result is first


def test_validator_is_the_schema_rasa_validates_against() -> None:
    validator = action_answer_check.answer_validator()
    assert validator.schema == RemoteAction.action_response_format_spec()
    validate(VALID_ANSWER, validator.schema)
