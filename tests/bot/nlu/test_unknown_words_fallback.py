"""bot/nlu/unknown_words_fallback.py: keyboard mash falls back instead of being read as an intent,
typos and numbers are left to the classifier's guess; trained through Rasa's interface."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Dict, Tuple

import pytest
from rasa.core.agent import load_agent
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.launcher.processes import train
from bot.nlu.unknown_words_fallback import UnknownWordsFallbackClassifier, words_of
from bot.settings import REPO_ROOT

RESOURCE = Resource("unknown_words_fallback")
CONTEXT = ExecutionContext(GraphSchema({}))
CONFIG = {**UnknownWordsFallbackClassifier.get_default_config(), "threshold": 0.25, "ambiguity_threshold": 0.0}


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    """A model storage in a temporary folder, shared by this module's tests."""
    return LocalModelStorage(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def trained(storage: LocalModelStorage) -> UnknownWordsFallbackClassifier:
    """The component created and trained as `rasa train` does, on the project's NLU data."""
    component = UnknownWordsFallbackClassifier.create(CONFIG, storage, RESOURCE, CONTEXT)
    component.train(load_data(str(REPO_ROOT / "data" / "nlu")))
    return component


def guessed(component: UnknownWordsFallbackClassifier, text: str, intent: str, confidence: float) -> Tuple[str, float]:
    """The intent and confidence the component leaves on a message the classifier read as `intent`."""
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": confidence}})
    component.process([message])
    return message.data["intent"]["name"], message.data["intent"]["confidence"]


def test_words_are_runs_of_letters_lower_cased() -> None:
    assert words_of("Where's my ORDER #55213? Zoë!") == ["where", "s", "my", "order", "zoë"]


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [("asdfgh", "affirm", 0.33), ("fdsa", "complaint", 0.39), ("hjkl;", "greet", 0.42), ("wert", "affirm", 0.49)],
)
def test_an_unsure_guess_at_words_it_never_saw_falls_back(
    trained: UnknownWordsFallbackClassifier, text: str, intent: str, confidence: float
) -> None:
    assert guessed(trained, text, intent, confidence) == ("nlu_fallback", 0.25)


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("thnaks", "thank", 0.66),  # a typo read with confidence
        ("ok fdsa", "affirm", 0.37),  # one known word
        ("55213", "order_status", 0.3),  # a number
        ("😡", "complaint", 0.3),  # no letters at all
        ("where is my parcel", "order_status", 0.3),  # known words: Rasa's threshold only
    ],
)
def test_known_words_numbers_emoji_and_confident_guesses_keep_the_classifier_s_intent(
    trained: UnknownWordsFallbackClassifier, text: str, intent: str, confidence: float
) -> None:
    assert guessed(trained, text, intent, confidence) == (intent, confidence)


def test_below_rasa_s_threshold_it_falls_back_as_rasa_s_classifier_does(trained: UnknownWordsFallbackClassifier) -> None:
    assert guessed(trained, "where is my parcel", "order_status", 0.2) == ("nlu_fallback", 0.25)


def test_it_knows_the_words_of_the_examples_and_of_the_lookup_tables(trained: UnknownWordsFallbackClassifier) -> None:
    assert {"refund", "parcel", "thanks", "nimbus", "vortex"} <= trained.known_words
    assert "asdfgh" not in trained.known_words


def test_loaded_from_the_model_storage_it_knows_the_same_words(
    trained: UnknownWordsFallbackClassifier, storage: LocalModelStorage
) -> None:
    loaded = UnknownWordsFallbackClassifier.load(CONFIG, storage, RESOURCE, CONTEXT)

    assert loaded.known_words == trained.known_words
    assert guessed(loaded, "fdsa", "complaint", 0.39) == ("nlu_fallback", 0.25)


@pytest.mark.slow
def test_the_project_s_model_does_not_read_keyboard_mash_as_an_intent() -> None:
    """Through the trained pipeline: the tester's "asdfgh" was affirm and "fdsa" opened a complaint."""
    model: Path = train(REPO_ROOT / "models")

    async def parse_all() -> Dict[str, str]:
        agent = await load_agent(model_path=str(model))
        texts = ["asdfgh", "fdsa", "thanks", "thx", "where is my order 55213"]
        return {text: (await agent.parse_message(text))["intent"]["name"] for text in texts}

    assert asyncio.run(parse_all()) == {
        "asdfgh": "nlu_fallback", "fdsa": "nlu_fallback", "thanks": "thank", "thx": "thank",
        "where is my order 55213": "order_status",
    }
