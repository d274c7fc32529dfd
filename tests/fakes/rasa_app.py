"""A real Sanic app that mounts input channels the way `rasa run` does, with a recording agent."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence
from uuid import uuid4

import httpx
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

from tests.fakes.loop_thread import LoopThread

Responder = Callable[[UserMessage], List[Dict[str, Any]]]


def echo_responses(message: UserMessage) -> List[Dict[str, Any]]:
    """Answer like a bot would: one text reply quoting the customer."""
    return [{"text": f"You said: {message.text}"}]


class RecordingAgent:
    """Stands in for Rasa's Agent: records each UserMessage and answers through its output channel."""

    def __init__(self, responder: Responder = echo_responses, turn_delay_s: float = 0.0) -> None:
        """Answer with `responder`'s responses (Rasa response dicts) after `turn_delay_s` of "thinking"."""
        self.responder = responder
        self.turn_delay_s = turn_delay_s
        self.received: List[UserMessage] = []
        self._condition = threading.Condition()

    async def handle_message(self, message: UserMessage) -> None:
        """What `Agent.handle_message` does for a channel: run a turn, send the responses."""
        with self._condition:
            self.received.append(message)
            self._condition.notify_all()
        await asyncio.sleep(self.turn_delay_s)
        for response in self.responder(message):
            await message.output_channel.send_response(message.sender_id, dict(response))

    def wait_for_messages(self, count: int, timeout_s: float = 10.0) -> List[UserMessage]:
        """Block until `count` messages were handled."""
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} bot turns, got {len(self.received)}")
                self._condition.wait(remaining)
            return list(self.received)


class ChannelServer:
    """Serves `channels` under /webhooks/ on 127.0.0.1 in a background thread."""

    def __init__(self, channels: Sequence[InputChannel], agent: Optional[RecordingAgent] = None) -> None:
        """Mount `channels` with `agent` answering (a new RecordingAgent by default)."""
        self.channels = list(channels)
        self.agent = agent or RecordingAgent()
        self.port = 0
        self._server: Any = None
        self._loop_thread = LoopThread()
        self._client: Optional[httpx.Client] = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def post(self, path: str, body: bytes, headers: Mapping[str, str]) -> httpx.Response:
        """POST raw `body` to `path` (e.g. /webhooks/telegram/webhook)."""
        if self._client is None:
            self._client = httpx.Client(timeout=10)
        return self._client.post(self.url + path, content=body, headers=dict(headers))

    def run_in_loop(self, work: Any, timeout_s: float = 10.0) -> Any:
        """Run a coroutine on the server's loop (e.g. to use an output channel) and return its result."""
        return self._loop_thread.run(work, timeout_s)

    def start(self) -> "ChannelServer":
        """Start serving; returns once the port accepts connections."""
        self._loop_thread.start(self._start)
        return self

    def stop(self) -> None:
        """Run the after_server_stop listeners (channels drain and close) and stop the loop."""
        if self._client is not None:
            self._client.close()
            self._client = None
        self._loop_thread.stop(self._shutdown)

    def __enter__(self) -> "ChannelServer":
        """Start on entry."""
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        """Stop on exit."""
        self.stop()

    async def _start(self) -> None:
        Sanic.test_mode = True  # lets Sanic 21.12 start several apps in one process (as sanic-testing does)
        app = Sanic(f"channel_test_{uuid4().hex[:12]}")
        app.ctx.agent = self.agent
        register(self.channels, app, route="/webhooks/")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self._server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await self._server.startup()
        await self._server.before_start()
        await self._server.after_start()

    async def _shutdown(self) -> None:
        await self._server.before_stop()
        await self._server.close()
        for connection in list(self._server.connections):
            connection.close_if_idle()
        await self._server.after_stop()
        for _ in range(50):
            if not self._server.connections:
                break
            await asyncio.sleep(0.01)
        current = asyncio.current_task()
        leftovers = [task for task in asyncio.all_tasks() if task is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)
        await asyncio.sleep(0)
