"""Tests for bot/handoff/policy.py with the project's real domain and real Rasa trackers."""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

import pytest
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.handoff.policy import HandoffPolicy
from bot.settings import REPO_ROOT
from tests.builders import Event, action_event, bot_replies, customer_says, session_start, simple_event

ANGRY = "This is the THIRD time I'm asking, your service is useless!!!"
CALM = "How much is the Aura speaker?"
SCORED_ANGRY = {"score": 0.93, "signals": ["third time", "useless"]}
SCORED_CALM = {"score": 0.04, "signals": []}


@pytest.fixture(scope="module")
def domain() -> Domain:
    """The project's domain.yml, loaded by Rasa."""
    return Domain.load(REPO_ROOT / "domain.yml")


@pytest.fixture
def policy(tmp_path: Path) -> HandoffPolicy:
    """The policy with its default config and the default threshold."""
    return HandoffPolicy(
        HandoffPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("handoff_policy"),
        ExecutionContext(GraphSchema({})),
        threshold=0.5,
    )


def tracker(domain: Domain, events: Sequence[Event]) -> DialogueStateTracker:
    """A real Rasa tracker replayed from event dicts."""
    return DialogueStateTracker.from_dict("customer-1", list(events), domain.slots)


def predict(policy: HandoffPolicy, domain: Domain, events: Sequence[Event]) -> PolicyPrediction:
    """The policy's prediction for the conversation so far."""
    return policy.predict_action_probabilities(tracker(domain, events), domain)


def handoff_confidence(prediction: PolicyPrediction, domain: Domain) -> float:
    """The probability the prediction gives `action_handoff`."""
    return prediction.probabilities[domain.index_for_action("action_handoff")]


def conversation(*turns: List[Event]) -> List[Event]:
    """A conversation from its session start and the given turns."""
    return [*session_start(), *(event for turn in turns for event in turn)]


def test_a_frustrated_message_predicts_the_handoff_with_full_confidence(
    policy: HandoffPolicy, domain: Domain
) -> None:
    prediction = predict(policy, domain, conversation(customer_says(ANGRY, "complaint", frustration=SCORED_ANGRY)))

    assert handoff_confidence(prediction, domain) == 1.0
    assert sum(prediction.probabilities) == 1.0
    assert prediction.policy_name == "HandoffPolicy"


def test_a_calm_product_question_predicts_nothing(policy: HandoffPolicy, domain: Domain) -> None:
    prediction = predict(policy, domain, conversation(customer_says(CALM, "product_question", frustration=SCORED_CALM)))

    assert prediction.probabilities == [0.0] * domain.num_actions


def test_asking_for_a_person_predicts_the_handoff(policy: HandoffPolicy, domain: Domain) -> None:
    events = conversation(customer_says("can I talk to a human please", "request_human"))

    assert handoff_confidence(predict(policy, domain, events), domain) == 1.0


def test_two_misunderstood_messages_in_a_row_predict_the_handoff(policy: HandoffPolicy, domain: Domain) -> None:
    once = conversation(customer_says("flibber the wotsit", "nlu_fallback", frustration={"score": 0.05}))
    twice = conversation(
        customer_says("flibber the wotsit", "nlu_fallback", frustration={"score": 0.05}),
        bot_replies("Sorry, I didn't get that.", "utter_please_rephrase"),
        customer_says("grommet sprocket", "nlu_fallback", frustration={"score": 0.05}),
    )

    assert handoff_confidence(predict(policy, domain, once), domain) == 0.0
    assert handoff_confidence(predict(policy, domain, twice), domain) == 1.0


def test_the_score_comes_from_the_parse_data_not_from_scoring_the_text_again(
    policy: HandoffPolicy, domain: Domain
) -> None:
    """NLU scores each message once; the policy must not second-guess it from the text."""
    angry_text_scored_calm = conversation(customer_says(ANGRY, "complaint", frustration=SCORED_CALM))
    calm_text_scored_angry = conversation(customer_says(CALM, "product_question", frustration=SCORED_ANGRY))

    assert handoff_confidence(predict(policy, domain, angry_text_scored_calm), domain) == 0.0
    assert handoff_confidence(predict(policy, domain, calm_text_scored_angry), domain) == 1.0


def test_no_prediction_after_a_bot_action_only_right_after_the_message(
    policy: HandoffPolicy, domain: Domain
) -> None:
    events = conversation(customer_says(ANGRY, "complaint", frustration=SCORED_ANGRY), [action_event("action_log_complaint")])

    assert predict(policy, domain, events).probabilities == [0.0] * domain.num_actions


def test_no_second_handoff_once_the_handoff_ran(policy: HandoffPolicy, domain: Domain) -> None:
    events = conversation(
        customer_says(ANGRY, "complaint", frustration=SCORED_ANGRY),
        [action_event("action_handoff"), simple_event("pause"), simple_event("resume"), action_event("action_listen")],
        customer_says("ok thanks, all sorted now", "thank"),
    )

    assert handoff_confidence(predict(policy, domain, events), domain) == 0.0


def test_a_new_conversation_without_a_message_predicts_nothing(policy: HandoffPolicy, domain: Domain) -> None:
    assert predict(policy, domain, session_start()).probabilities == [0.0] * domain.num_actions


def test_a_domain_without_the_handoff_action_predicts_nothing(policy: HandoffPolicy) -> None:
    bare = Domain.from_dict({"intents": ["complaint"], "responses": {"utter_x": [{"text": "x"}]}})

    prediction = predict(policy, bare, conversation(customer_says(ANGRY, "complaint", frustration=SCORED_ANGRY)))

    assert prediction.probabilities == [0.0] * bare.num_actions


def test_the_handoff_outranks_rule_policy_at_equal_confidence(policy: HandoffPolicy, domain: Domain) -> None:
    prediction = predict(policy, domain, conversation(customer_says(ANGRY, "complaint", frustration=SCORED_ANGRY)))

    assert prediction.policy_priority > RulePolicy.get_default_config()["priority"]


def test_training_learns_nothing_and_returns_the_resource(policy: HandoffPolicy, domain: Domain) -> None:
    assert policy.train([], domain) == Resource("handoff_policy")


def test_loaded_from_a_model_the_policy_takes_its_threshold_from_settings(
    tmp_path: Path, domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIGHTWAY_FRUSTRATION_THRESHOLD", "0.95")
    loaded = HandoffPolicy.load(
        HandoffPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("handoff_policy"),
        ExecutionContext(GraphSchema({})),
    )
    very_angry = {"score": 0.97, "signals": []}

    assert handoff_confidence(predict(loaded, domain, conversation(customer_says(ANGRY, frustration=very_angry))), domain) == 1.0
    assert handoff_confidence(predict(loaded, domain, conversation(customer_says(ANGRY, frustration=SCORED_ANGRY))), domain) == 0.0
