"""`bot.server.graph_runner`: our trained model parses and predicts exactly as with Rasa's dask runner."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import rasa.core.processor
from rasa.core.agent import Agent, load_agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted

from bot.launcher.processes import train
from bot.server.graph_runner import InOrderGraphRunner, install
from bot.settings import REPO_ROOT

pytestmark = pytest.mark.slow

CONVERSATIONS = [
    ["hi", "how much is the aura smart speaker?", "where is my order #55213?", "thanks"],
    ["my blender doesn't work", "I want a refund", "this is useless, get me a human NOW"],
    ["asdkjh qwe", "what is your return policy?", "do you deliver on saturdays?", "bye"],
    ["I want to complain about order #6607", "are you a bot?", "no", "yes please"],
]


@pytest.fixture(scope="module")
def model() -> Path:
    """The project's model (Rasa skips training when data and config are unchanged)."""
    return train(REPO_ROOT / "models")


def load(model: Path, runner: type, monkeypatch: pytest.MonkeyPatch) -> Agent:
    """An agent whose processor runs the model's graphs with `runner`."""
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", runner)
    agent = asyncio.run(load_agent(model_path=str(model)))
    assert isinstance(agent.processor.graph_runner, runner)
    return agent


async def replay(agent: Agent) -> List[Tuple[Any, ...]]:
    """Each message's parse data and, after it, each next action the policies pick (up to listening)."""
    seen: List[Tuple[Any, ...]] = []
    for number, conversation in enumerate(CONVERSATIONS):
        for text in conversation:
            parsed: Dict[str, Any] = await agent.parse_message(text)
            seen.append(("parse", text, parsed))
            tracker = await agent.log_message(UserMessage(text, sender_id=f"c{number}"))
            for _ in range(5):
                action, policy = agent.processor.predict_next_with_tracker_if_should(tracker)
                seen.append(("predict", text, action.name(), policy.policy_name, policy.probabilities))
                tracker.update(ActionExecuted(action.name(), policy.policy_name, policy.max_confidence))
                if action.name() == "action_listen":
                    break
            await agent.tracker_store.save(tracker)
    return seen


def test_parses_and_predictions_match_rasa_s_dask_runner(model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_dask = asyncio.run(replay(load(model, DaskGraphRunner, monkeypatch)))
    in_order = asyncio.run(replay(load(model, InOrderGraphRunner, monkeypatch)))

    assert in_order == with_dask
    assert sum(1 for step in in_order if step[0] == "predict") > len(CONVERSATIONS) * 4
    assert {step[3] for step in in_order if step[0] == "predict"} >= {"RulePolicy", "HandoffPolicy"}


def test_install_makes_the_processor_load_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    install()
    install()
    assert rasa.core.processor.DaskGraphRunner is InOrderGraphRunner
