"""`bot.server.rule_lookup`: RulePolicy's shortened rule lookup finds exactly the rules Rasa's finds."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import SHOULD_NOT_BE_SET
from rasa.shared.core.domain import State
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server import rule_lookup
from tests.bot.server.dialogue_conversation import DOMAIN, conversation

LISTEN = {"action_name": "action_listen"}
RULES: List[List[State]] = [
    [{}, {"prev_action": LISTEN, "user": {"intent": "greet"}}],  # conversation start
    [{"prev_action": LISTEN, "user": {"intent": "greet"}}],
    [{"prev_action": LISTEN, "user": {"intent": "thank"}}, {"prev_action": {"action_name": "utter_greet"}}],
    [{"prev_action": LISTEN, "user": {"intent": "inform"}, "active_loop": {"name": "order_form"}}],
    [{"prev_action": LISTEN, "user": {"intent": "stop"}, "slots": {"vip": [1.0]}}],
    [{"prev_action": LISTEN, "user": {"intent": "stop"}, "slots": {"mood": SHOULD_NOT_BE_SET}}],
    [
        {"prev_action": {"action_name": "...", "action_text": None}},
        {"prev_action": LISTEN, "user": {"intent": "order_status", "entities": ["order_id"]}},
        {"prev_action": {"action_name": "order_form"}, "active_loop": {"name": "order_form"}},
        {"prev_action": {"action_name": "order_form"}, "user": {"intent": "order_status"}},
    ],
    [{"prev_action": {"action_name": "action_check"}, "user": {"intent": "thank"}, "slots": {"rule_flag": [1.0]}}],
    [{"user": {"intent": "greet"}}],
    [{"prev_action": {"action_name": SHOULD_NOT_BE_SET}, "user": {"intent": SHOULD_NOT_BE_SET}}],
    [{"prev_action": {"action_text": "Hi"}}],
    [{"prev_action": {"action_text": SHOULD_NOT_BE_SET}}],
    [{"prev_action": {"action_name": "utter_greet"}}],
    [{"prev_action": LISTEN, "user": {"intent": "thank", "entities": ["order_id"]}}],
    [],
]
LOOKUP: Dict[str, str] = {json.dumps(rule): f"action_{number}" for number, rule in enumerate(RULES)}


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install for the test; monkeypatch puts Rasa's lookup back afterwards."""
    monkeypatch.setattr(RulePolicy, "_get_possible_keys", RulePolicy.__dict__["_get_possible_keys"])
    monkeypatch.setattr(RulePolicy, "_is_rule_applicable", RulePolicy.__dict__["_is_rule_applicable"])
    monkeypatch.setattr(rule_lookup, "_rasa_get_possible_keys", None)
    yield


@pytest.fixture
def policy(tmp_path: Any) -> RulePolicy:
    """An untrained RulePolicy (the lookup is handed in)."""
    return RulePolicy(
        RulePolicy.get_default_config(), LocalModelStorage(tmp_path), Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def conversations() -> Iterator[List[State]]:
    """The states before every action of two conversations, as the policy sees them."""
    extra = [
        ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet"}),
        ActionExecuted("utter_greet"), ActionExecuted("action_listen"),
        UserUttered("thanks", {"name": "thank"}), SlotSet("vip", True), ActionExecuted("action_check"),
    ]
    for events in (conversation(), extra, extra * 3):
        tracker = DialogueStateTracker("c1", DOMAIN.slots)
        for event in events:
            tracker.update(event)
            yield DOMAIN.states_for_tracker_history(tracker)


def test_finds_the_rules_rasa_finds(policy: RulePolicy) -> None:
    rasa_keys = RulePolicy._get_possible_keys
    expected = [rasa_keys(policy, LOOKUP, states) for states in conversations()]
    rule_lookup.install()
    assert [policy._get_possible_keys(LOOKUP, states) for states in conversations()] == expected
    assert len({frozenset(keys) for keys in expected}) > 4  # different rules apply along the way


def test_each_check_answers_as_rasas(policy: RulePolicy) -> None:
    rasa_check = RulePolicy._is_rule_applicable
    for states in conversations():
        for turn_index, state in enumerate(reversed(states)):
            for key in LOOKUP:
                assert rule_lookup.is_rule_applicable(policy, key, turn_index, state) is rasa_check(
                    policy, key, turn_index, state
                )


def test_stops_once_every_rule_left_is_shorter_than_the_distance_back(policy: RulePolicy) -> None:
    checked: List[int] = []
    check = rule_lookup.is_rule_applicable

    def counting(policy: RulePolicy, key: str, turn_index: int, state: State) -> bool:
        checked.append(turn_index)
        return check(policy, key, turn_index, state)

    rule_lookup.install()
    RulePolicy._is_rule_applicable = counting  # type: ignore[assignment]
    states = list(conversations())[-1]
    assert len(states) > 10
    policy._get_possible_keys(LOOKUP, states)
    assert max(checked) < max(len(rule) for rule in RULES)


def test_checks_against_the_newest_state_only_rules_that_fit_it(
    policy: RulePolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    greeted = [{"prev_action": LISTEN, "user": {"intent": "greet"}}]
    expected = RulePolicy._get_possible_keys(policy, LOOKUP, greeted)
    checked: List[str] = []
    check = rule_lookup.is_rule_applicable

    def counting(policy: RulePolicy, key: str, turn_index: int, state: State) -> bool:
        checked.append(key)
        return check(policy, key, turn_index, state)

    monkeypatch.setattr(rule_lookup, "is_rule_applicable", counting)
    rule_lookup.install()
    assert RulePolicy._is_rule_applicable is counting
    assert policy._get_possible_keys(LOOKUP, greeted) == expected
    assert json.dumps(RULES[1]) in checked and json.dumps(RULES[2]) not in checked
    assert len(checked) < len(LOOKUP) / 2


def test_install_is_idempotent() -> None:
    rule_lookup.install()
    rasa_keys = rule_lookup._rasa_get_possible_keys
    rule_lookup.install()
    assert rule_lookup._rasa_get_possible_keys is rasa_keys
    assert RulePolicy._get_possible_keys is rule_lookup.possible_rule_keys
