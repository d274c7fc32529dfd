"""`bot.server.encode_ahead`: each message's text is encoded once, on the encoder thread, and the
parses and replies are the ones Rasa makes without it, one conversation or several at a time."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import onnxruntime
import pytest
import rasa.core.processor
from rasa.core.agent import Agent, load_agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer

from bot.launcher.processes import train
from bot.nlu.sentence_count_featurizer import SentenceCountVectorsFeaturizer
from bot.nlu.sentence_encoder import ENCODED_AHEAD, SentenceEncoder
from bot.server import encode_ahead, graph_runner
from bot.settings import REPO_ROOT

pytestmark = pytest.mark.slow

CONVERSATIONS = [
    ["hi", "where is my order #55213?", "thanks"],
    ["my blender doesn't work", "I want a refund"],
    ["this is useless, get me a human NOW", "hello??"],
    ["what is your return policy?", "😡", "bye"],
]
Turn = Tuple[List[Dict[str, Any]], Dict[str, Any]]


@pytest.fixture(scope="module")
def model() -> Path:
    """The project's model (Rasa skips training when data and config are unchanged)."""
    return train(REPO_ROOT / "models")


@pytest.fixture
def encodings(monkeypatch: pytest.MonkeyPatch) -> List[Tuple[str, str]]:
    """(thread name, text) of every text the encoder's network runs from now on."""
    seen: List[Tuple[str, str]] = []
    network = SentenceEncoder._encode_one

    def recorded(self: SentenceEncoder, text: str, running: Optional[threading.Event] = None) -> np.ndarray:
        seen.append((threading.current_thread().name, text))
        return network(self, text, running)

    monkeypatch.setattr(SentenceEncoder, "_encode_one", recorded)
    return seen


@pytest.fixture
def rasa_s_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa's `handle_message` and `parse_message` back after the test, whatever it installs."""
    monkeypatch.setattr(MessageProcessor, "handle_message", MessageProcessor.__dict__["handle_message"])
    monkeypatch.setattr(MessageProcessor, "parse_message", MessageProcessor.__dict__["parse_message"])
    monkeypatch.setattr(MessageProcessor, encode_ahead._INSTALLED, False, raising=False)


@pytest.fixture
def in_order_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    """Models loaded in the test run their graphs with `InOrderGraphRunner`, as the server's do."""
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", rasa.core.processor.DaskGraphRunner)
    graph_runner.install()


async def converse(agent: Agent, texts: List[str], sender: str) -> List[Turn]:
    """Each turn's replies and parse data (without the conversation's and the message's ids)."""
    turns: List[Turn] = []
    for text in texts:
        channel = CollectingOutputChannel()
        await agent.handle_message(UserMessage(text, channel, sender_id=sender, message_id="same"))
        tracker = await agent.tracker_store.retrieve(sender)
        replies = [{key: value for key, value in reply.items() if key != "recipient_id"} for reply in channel.messages]
        turns.append((replies, tracker.latest_message.parse_data))
    return turns


async def one_at_a_time_then_together(model: Path, install: bool) -> Tuple[List[List[Turn]], List[List[Turn]]]:
    """The conversations one after the other, then all at once (after `install()` if asked)."""
    agent = await load_agent(model_path=str(model))
    if install:
        encode_ahead.install()
        encode_ahead.install()
    alone = [await converse(agent, texts, f"alone-{number}") for number, texts in enumerate(CONVERSATIONS)]
    together = await asyncio.gather(*(converse(agent, texts, f"together-{number}") for number, texts in enumerate(CONVERSATIONS)))
    return alone, list(together)


def test_without_it_rasa_encodes_every_text_on_the_event_loop(
    model: Path, rasa_s_own: None, encodings: List[Tuple[str, str]]
) -> None:
    alone, together = asyncio.run(one_at_a_time_then_together(model, install=False))

    assert together == alone
    assert {name for name, _ in encodings} == {threading.main_thread().name}
    assert len(encodings) == 2 * sum(map(len, CONVERSATIONS))


def test_each_text_is_encoded_once_on_the_encoder_thread_and_nothing_else_changes(
    model: Path, rasa_s_own: None, encodings: List[Tuple[str, str]]
) -> None:
    alone, together = asyncio.run(one_at_a_time_then_together(model, install=False))
    encodings.clear()
    alone_ahead, together_ahead = asyncio.run(one_at_a_time_then_together(model, install=True))

    assert alone_ahead == alone and together_ahead == together == alone
    assert all(name.startswith("encode-ahead") for name, _ in encodings)
    texts = [text for conversation in CONVERSATIONS for text in conversation]
    one_at_a_time = [text for _, text in encodings[: len(texts)]]
    assert one_at_a_time == [text if text != "😡" else "angry" for text in texts]
    assert sorted(text for _, text in encodings[len(texts) :]) == sorted(one_at_a_time)
    assert ENCODED_AHEAD.get() is None


def test_a_parse_without_a_message_being_handled_encodes_on_the_loop(
    model: Path, rasa_s_own: None, encodings: List[Tuple[str, str]]
) -> None:
    async def parse() -> Dict[str, Any]:
        agent = await load_agent(model_path=str(model))
        encode_ahead.install()
        return await agent.parse_message("where is my parcel")

    parsed = asyncio.run(parse())

    assert parsed["text"] == "where is my parcel"
    assert encodings == [(threading.main_thread().name, "where is my parcel")]


def test_a_message_waiting_for_its_conversation_s_lock_is_not_encoded_yet(
    model: Path, rasa_s_own: None, encodings: List[Tuple[str, str]]
) -> None:
    """One encoding queued per conversation at most: a burst from one customer cannot hold up the others."""

    async def wait_for_the_lock() -> List[Tuple[str, str]]:
        agent = await load_agent(model_path=str(model))
        encode_ahead.install()
        async with agent.lock_store.lock("busy"):
            waiting = asyncio.create_task(agent.handle_message(UserMessage("where is my parcel", sender_id="busy")))
            await asyncio.sleep(0.2)
            before_the_lock = list(encodings)
        await waiting
        return before_the_lock

    assert asyncio.run(wait_for_the_lock()) == []
    assert [text for _, text in encodings] == ["where is my parcel"]
    assert encodings[0][0].startswith("encode-ahead")


class StandInProcessor:
    """Just what `uses_sentence_encoder` reads of Rasa's processor: the model's prediction graph."""

    def __init__(self, schema: GraphSchema) -> None:
        """A processor whose model predicts with `schema`."""
        self.model_metadata = SimpleNamespace(predict_schema=schema)


def test_only_models_with_the_minilm_featurizer_encode_ahead(model: Path) -> None:
    agent = asyncio.run(load_agent(model_path=str(model)))
    regex_only = GraphSchema(
        {"featurizer": SchemaNode(needs={}, uses=RegexFeaturizer, constructor_name="load", fn="process", config={})}
    )

    assert encode_ahead.uses_sentence_encoder(agent.processor)
    assert not encode_ahead.uses_sentence_encoder(StandInProcessor(regex_only))  # type: ignore[arg-type]


def test_a_message_that_comes_parsed_is_not_encoded(model: Path, rasa_s_own: None, encodings: List[Tuple[str, str]]) -> None:
    """A message with its parse data (an intent trigger, a button payload Rasa was handed parsed)
    needs no encoding: none is started for nothing."""
    parsed = {"intent": {"name": "greet", "confidence": 1.0}, "entities": [], "text": "hello there"}

    async def handle() -> List[Dict[str, Any]]:
        agent = await load_agent(model_path=str(model))
        encode_ahead.install()
        channel = CollectingOutputChannel()
        await agent.handle_message(UserMessage("hello there", channel, sender_id="parsed", parse_data=parsed))
        return channel.messages

    replies = asyncio.run(handle())

    assert replies and "Hi" in replies[0]["text"]
    assert encodings == []


def test_the_nlu_steps_before_the_encoder_run_while_the_text_is_encoded(
    model: Path, rasa_s_own: None, in_order_runner: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tokenizer and count featurizers of a turn run on the event loop while its encoding is
    under way, not after it (the encoding gives them 2 s to start), and nothing else changes."""
    timeline: List[Tuple[str, str]] = []
    counted = threading.Event()
    network = SentenceEncoder._encode_one
    featurize = SentenceCountVectorsFeaturizer.process

    def waits_for_the_counts(self: SentenceEncoder, text: str, running: Optional[threading.Event] = None) -> np.ndarray:
        if running is not None:
            running.set()
        counted.wait(timeout=2)
        counted.clear()
        vector = network(self, text, running)
        timeline.append(("encoded", text))
        return vector

    def counts(self: SentenceCountVectorsFeaturizer, messages: List[Any]) -> List[Any]:
        featurized = featurize(self, messages)
        timeline.append(("counted", messages[0].get("text")))
        counted.set()
        return featurized

    alone, _ = asyncio.run(one_at_a_time_then_together(model, install=False))
    monkeypatch.setattr(SentenceEncoder, "_encode_one", waits_for_the_counts)
    monkeypatch.setattr(SentenceCountVectorsFeaturizer, "process", counts)

    async def first_conversation() -> List[Turn]:
        agent = await load_agent(model_path=str(model))
        encode_ahead.install()
        return await converse(agent, CONVERSATIONS[0], "alone-0")

    assert asyncio.run(first_conversation()) == alone[0]
    for text in CONVERSATIONS[0]:
        assert timeline.index(("counted", text)) < timeline.index(("encoded", text)), timeline
        assert timeline.count(("counted", text)) == 2, "each count featurizer ran once for the turn"


def test_an_idle_encoder_runs_the_network_before_the_turn_reads_its_tracker(
    model: Path, rasa_s_own: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handed a text while idle, the encoder thread takes the GIL and begins its network run before
    the event loop goes on (left alone, the loop kept the GIL through the tracker read and more).
    The wait's cap is raised so that a slow machine cannot turn the order around."""
    order: List[str] = []
    network = onnxruntime.InferenceSession.run
    fetch = MessageProcessor.fetch_tracker_and_update_session

    def network_runs(self: onnxruntime.InferenceSession, *args: Any, **kwargs: Any) -> Any:
        order.append("network runs")
        return network(self, *args, **kwargs)

    async def tracker_read(self: MessageProcessor, *args: Any, **kwargs: Any) -> Any:
        order.append("tracker read")
        return await fetch(self, *args, **kwargs)

    async def first_conversation() -> List[Turn]:
        agent = await load_agent(model_path=str(model))
        encode_ahead.install()
        monkeypatch.setattr(encode_ahead, "START_WAIT_SECONDS", 30.0)
        monkeypatch.setattr(onnxruntime.InferenceSession, "run", network_runs)
        monkeypatch.setattr(MessageProcessor, "fetch_tracker_and_update_session", tracker_read)
        return await converse(agent, CONVERSATIONS[0], "idle-encoder")

    turns = asyncio.run(first_conversation())

    assert len(turns) == len(CONVERSATIONS[0])
    assert order == ["network runs", "tracker read"] * len(CONVERSATIONS[0])
