"""A message's sentence encoding starts on its own thread as soon as its turn starts.

The sentence encoder is the biggest piece of a turn (about 2 ms of 7), and its ONNX run releases
the GIL. `install()` has Rasa's `MessageProcessor.handle_message`, which runs once the
conversation's lock is held, start encoding the text on the `ENCODER` thread before it reads the
conversation's tracker; the parse then waits for that vector (`bot.nlu.sentence_encoder.ENCODED_AHEAD`)
instead of encoding on the event loop. While the encoding is under way, the parse first runs the
NLU nodes before the encoder's (tokenizer, regex and count featurizers) and keeps their outputs
for the parse proper (`graph_runner.run_ahead`). So the encoding overlaps the tracker read and the
first NLU steps of its own turn and, under load, the other conversations' policies, tracker store
and channels, on the second core.

A thread needs the GIL to begin, and the event loop holds it through the tracker read and the
first NLU steps, so left alone the encoding began about 1 ms after it was handed over. When the
encoder has nothing else to do, the loop waits (at most `START_WAIT_SECONDS`) until the network
run has begun, about 0.3 ms; under load the encoder is busy and nobody waits.

Started under the lock, a conversation has at most one encoding queued, so a customer sending a
burst does not hold up the others. The vector is the one the parse would have made itself (same
encoder, same text, one text per run). Models without the MiniLM featurizer, and processors with
an HTTP interpreter, are left as Rasa runs them.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

import numpy as np
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.minilm_featurizer import MiniLMFeaturizer
from bot.nlu.sentence_encoder import ENCODED_AHEAD, shared_encoder
from bot.server.graph_runner import InOrderGraphRunner, reusing

_INSTALLED = "brightway_encode_ahead"
START_WAIT_SECONDS = 0.002
# (text, its encoding under way) for the message this task is handling
_ENCODING: ContextVar[Optional[Tuple[str, "asyncio.Future[np.ndarray]"]]] = ContextVar("encoding", default=None)
_USES_ENCODER: "weakref.WeakKeyDictionary[MessageProcessor, bool]" = weakref.WeakKeyDictionary()
_BEFORE_ENCODER: "weakref.WeakKeyDictionary[MessageProcessor, Optional[Text]]" = weakref.WeakKeyDictionary()


class EncoderThread:
    """The one thread that encodes the turns' texts, and how many encodings it has not finished."""

    def __init__(self) -> None:
        """An idle thread (made on first use)."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode-ahead")
        self._lock = threading.Lock()
        self._unfinished = 0

    def start(self, text: str) -> "asyncio.Future[np.ndarray]":
        """Queue `text`'s encoding; when nothing else was queued, return once its network run has
        begun (or after `START_WAIT_SECONDS`), so that it runs beside the loop's next steps."""
        with self._lock:
            idle = self._unfinished == 0
            self._unfinished += 1
        running = threading.Event()
        encoding = asyncio.get_running_loop().run_in_executor(self._pool, self._encode, text, running)
        if idle:
            running.wait(START_WAIT_SECONDS)
        return encoding

    def _encode(self, text: str, running: threading.Event) -> np.ndarray:
        """`text`'s row-matrix, on the thread; `running` is set once the network runs (or on failure)."""
        try:
            return shared_encoder().encode([text], running=running)
        finally:
            running.set()
            with self._lock:
                self._unfinished -= 1


ENCODER = EncoderThread()


def uses_sentence_encoder(processor: MessageProcessor) -> bool:
    """Whether the processor's model has a MiniLM featurizer node (answer kept per processor)."""
    if processor not in _USES_ENCODER:
        nodes = processor.model_metadata.predict_schema.nodes.values()
        _USES_ENCODER[processor] = any(issubclass(node.uses, MiniLMFeaturizer) for node in nodes)
    return _USES_ENCODER[processor]


def node_before_encoder(processor: MessageProcessor) -> Optional[Text]:
    """The NLU node whose messages the MiniLM featurizer takes (the last one that can run before
    the encoding is done), or None (answer kept per processor)."""
    if processor not in _BEFORE_ENCODER:
        nodes = processor.model_metadata.predict_schema.nodes
        feeding = [node.needs.get("messages") for node in nodes.values() if issubclass(node.uses, MiniLMFeaturizer)]
        _BEFORE_ENCODER[processor] = feeding[0] if len(feeding) == 1 and feeding[0] in nodes else None
    return _BEFORE_ENCODER[processor]


def parse_steps_before_encoding(
    processor: MessageProcessor, message: UserMessage, tracker: Optional[DialogueStateTracker]
) -> Dict[Text, Any]:
    """The outputs of the NLU nodes up to the encoder's input for `message`, run now; nothing when
    the processor's runner cannot hand them on (not `InOrderGraphRunner`) or the graph has no such node."""
    target = node_before_encoder(processor)
    if target is None or not isinstance(processor.graph_runner, InOrderGraphRunner):
        return {}
    inputs = {PLACEHOLDER_MESSAGE: [message], PLACEHOLDER_TRACKER: tracker}
    return processor.graph_runner.run_ahead(inputs, target)


def starting_encoding(handle_message: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`MessageProcessor.handle_message` that first starts encoding the text on the `ENCODER` thread
    when the message has text to parse and the model's NLU pipeline encodes it."""

    @functools.wraps(handle_message)
    async def handle(self: MessageProcessor, message: UserMessage) -> Any:
        if not message.text or message.parse_data or self.http_interpreter or not uses_sentence_encoder(self):
            return await handle_message(self, message)
        encoding = ENCODER.start(message.text)
        encoding.add_done_callback(_retrieve_failure)
        token = _ENCODING.set((message.text, encoding))
        try:
            return await handle_message(self, message)
        finally:
            _ENCODING.reset(token)
            encoding.cancel()

    return handle


def _retrieve_failure(encoding: "asyncio.Future[np.ndarray]") -> None:
    """Mark a failed encoding's exception seen: the parse that awaits it raises it (if any awaits)."""
    if not encoding.cancelled():
        encoding.exception()


def using_encoding(parse_message: Callable[..., Awaitable[Dict[Text, Any]]]) -> Callable[..., Awaitable[Dict[Text, Any]]]:
    """`MessageProcessor.parse_message` that runs the NLU steps before the encoder while the text's
    encoding (started with its turn) is under way, waits for it and parses with both; Rasa's own
    when none was started for this text."""

    @functools.wraps(parse_message)
    async def parse(
        self: MessageProcessor,
        message: UserMessage,
        tracker: Optional[DialogueStateTracker] = None,
        only_output_properties: bool = True,
    ) -> Dict[Text, Any]:
        started = _ENCODING.get()
        if started is None or started[0] != message.text or started[1].cancelled():
            return await parse_message(self, message, tracker, only_output_properties)
        done_ahead = {} if started[1].done() else parse_steps_before_encoding(self, message, tracker)
        vectors = await started[1]
        token = ENCODED_AHEAD.set((message.text, vectors[0]))
        try:
            with reusing(done_ahead):
                return await parse_message(self, message, tracker, only_output_properties)
        finally:
            ENCODED_AHEAD.reset(token)

    return parse


def install() -> None:
    """Make Rasa start each turn's encoding on the thread and parse with it (idempotent)."""
    if getattr(MessageProcessor, _INSTALLED, False):
        return
    MessageProcessor.handle_message = starting_encoding(MessageProcessor.handle_message)  # type: ignore[method-assign]
    MessageProcessor.parse_message = using_encoding(MessageProcessor.parse_message)  # type: ignore[method-assign]
    setattr(MessageProcessor, _INSTALLED, True)
