"""Tests for bot/server/answer_check.py: the event-keyed `oneOf` gives jsonschema's errors, answer by answer."""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Tuple

import pytest
from jsonschema import validators
from rasa.core.actions.action import RemoteAction

from bot.server.answer_check import answer_validator

USER_EVENT = {
    "event": "user", "text": "where is #55213", "timestamp": 1.5, "metadata": {"channel": "telegram"},
    "parse_data": {"intent": {"name": "order_status", "confidence": 0.9},
                   "entities": [{"entity": "order_id", "value": "#55213", "start": 9, "end": 15}],
                   "intent_ranking": [{"name": "order_status", "confidence": 0.9}]},
}
VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "order_id", "value": "#55213"}], "responses": [{"text": "On its way."}]},
    {"events": [{"event": "bot", "text": "hi", "data": {}, "metadata": {}}, {"event": "action", "name": "action_listen"},
                {"event": "pause"}, {"event": "restart"}, {"event": "followup", "name": "utter_greet"}],
     "responses": [{"response": "utter_greet", "order": "#1"}, {"template": "utter_bye"}]},
    {"events": [USER_EVENT, {"event": "active_loop", "name": None}, {"event": "reset_slots"}]},
    {"events": [{"event": "entities", "entities": [{"entity": "product", "value": "Aura"}]}]},
    {"events": [{"event": "bot", "text": 5}], "responses": [{"text": 5}]},  # Rasa's schema types neither text
]
INVALID = [
    {"events": [{"event": "slot", "name": "order_id"}]},                       # no value
    {"events": [{"event": "nonsense"}]},                                         # no such event
    {"events": [{"event": 3}]},                                                  # name not a string
    {"events": [{"name": "x"}]},                                                 # no event name
    {"events": [{"event": "slot", "name": "a", "value": 1}, {"event": "entities"}]},
    {"events": [{**USER_EVENT, "parse_data": {"entities": [{"entity": "x"}]}}]},
    {"events": "slot"},
    {"events": [{"event": "slot", "name": 5, "value": 1}]},                      # name of the wrong type
    {"events": [{"event": "user", "parse_data": "order_status"}]},
    "not an answer",
]


def errors(validator: Any, answer: Any) -> List[Tuple[str, list, list, List[str]]]:
    """Every error of `answer`: message, instance path, schema path and the messages under it."""
    return [(error.message, list(error.path), list(error.schema_path), sorted(e.message for e in error.context))
            for error in validator.iter_errors(answer)]


@pytest.fixture(scope="module")
def both() -> Tuple[Any, Any]:
    """Jsonschema's plain validator for Rasa's schema, and ours."""
    schema = RemoteAction.action_response_format_spec()
    return validators.validator_for(schema)(schema), answer_validator()


@pytest.mark.parametrize("answer", VALID + INVALID)
def test_every_answer_gets_jsonschemas_own_errors(both: Tuple[Any, Any], answer: Any) -> None:
    plain, ours = both
    assert errors(ours, copy.deepcopy(answer)) == errors(plain, answer)


def test_valid_answers_pass_and_invalid_ones_fail(both: Tuple[Any, Any]) -> None:
    _, ours = both
    assert all(ours.is_valid(answer) for answer in VALID)
    assert not any(ours.is_valid(answer) for answer in INVALID)


def test_every_event_shape_of_the_schema_is_told_apart_by_name(both: Tuple[Any, Any]) -> None:
    """Each shape with a pinned name, given a minimal event of that name, is judged as jsonschema judges it."""
    plain, ours = both
    shapes = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]["oneOf"]
    names = [shape["properties"]["event"]["const"] for shape in shapes]
    assert len(names) == len(set(names)) > 10
    for name in names:
        answer: Dict[str, Any] = {"events": [{"event": name}]}
        assert errors(ours, answer) == errors(plain, answer)
