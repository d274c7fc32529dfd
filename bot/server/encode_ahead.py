"""A message's sentence encoding starts on its own thread as soon as the message arrives.

The sentence encoder is the biggest piece of a turn (about 2 ms of 7), and its ONNX run releases
the GIL. `install()` has Rasa's `Agent.handle_message` start encoding the text on
`ENCODER_THREAD` before it takes the conversation's lock and reads its tracker, and the parse
then waits for that vector (`bot.nlu.sentence_encoder.ENCODED_AHEAD`) instead of encoding on the
event loop. So the encoding overlaps the lock and the tracker read of its own turn, and under
load the other conversations' policies, tracker store and channels, on the second core. The
vector is the one the parse would have made itself (same encoder, same text, one text per run).
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

import numpy as np
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.sentence_encoder import ENCODED_AHEAD, loaded_encoder

_INSTALLED = "brightway_encode_ahead"
ENCODER_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode-ahead")
# (text, its encoding under way) for the message this task is handling
_ENCODING: ContextVar[Optional[Tuple[str, "asyncio.Future[np.ndarray]"]]] = ContextVar("encoding", default=None)


def starting_encoding(handle_message: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`Agent.handle_message` that first starts encoding the text on `ENCODER_THREAD` (when the
    model uses the sentence encoder and the message has text to parse)."""

    @functools.wraps(handle_message)
    async def handle(self: Agent, message: UserMessage) -> Any:
        encoder = loaded_encoder()
        if encoder is None or not message.text or message.parse_data:
            return await handle_message(self, message)
        encoding = asyncio.get_running_loop().run_in_executor(ENCODER_THREAD, encoder.encode, [message.text])
        encoding.add_done_callback(_retrieve_failure)
        token = _ENCODING.set((message.text, encoding))
        try:
            return await handle_message(self, message)
        finally:
            _ENCODING.reset(token)
            if not encoding.done():
                encoding.cancel()

    return handle


def _retrieve_failure(encoding: "asyncio.Future[np.ndarray]") -> None:
    """Mark a failed encoding's exception seen: the parse that awaits it raises it (if any awaits)."""
    if not encoding.cancelled():
        encoding.exception()


def using_encoding(parse_message: Callable[..., Awaitable[Dict[Text, Any]]]) -> Callable[..., Awaitable[Dict[Text, Any]]]:
    """`MessageProcessor.parse_message` that waits for the text's encoding started on arrival and
    parses with it; Rasa's own when none was started for this text."""

    @functools.wraps(parse_message)
    async def parse(
        self: MessageProcessor,
        message: UserMessage,
        tracker: Optional[DialogueStateTracker] = None,
        only_output_properties: bool = True,
    ) -> Dict[Text, Any]:
        started = _ENCODING.get()
        if started is None or started[0] != message.text or self.http_interpreter:
            return await parse_message(self, message, tracker, only_output_properties)
        vectors = await started[1]
        token = ENCODED_AHEAD.set((message.text, vectors[0]))
        try:
            return await parse_message(self, message, tracker, only_output_properties)
        finally:
            ENCODED_AHEAD.reset(token)

    return parse


def install() -> None:
    """Make Rasa start each message's encoding on arrival and parse with it (idempotent)."""
    if getattr(MessageProcessor, _INSTALLED, False):
        return
    Agent.handle_message = starting_encoding(Agent.handle_message)  # type: ignore[method-assign]
    MessageProcessor.parse_message = using_encoding(MessageProcessor.parse_message)  # type: ignore[method-assign]
    setattr(MessageProcessor, _INSTALLED, True)
