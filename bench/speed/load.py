"""Closed-loop load: C conversations at a time, each sending a script one message after the other.

A turn's latency runs from sending the message to its last reply: the HTTP response for Rasa's
REST channel, the last `sendMessage` arriving at the fake Telegram API for our adapter. A new
conversation (new sender) starts as soon as one finishes, until the level's count is done, so
throughput is turns divided by the level's wall time. One asyncio loop drives every
conversation, so the client costs little CPU next to the servers on a 2-core machine.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import aiohttp

from tests.fakes import payloads
from tests.fakes.server import RecordedRequest
from tests.fakes.telegram_api import FakeTelegramApi

TURN_TIMEOUT_S = 60.0
QUIET_S = 1.0
CHAT_SPAN = 1_000_000
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class LevelResult:
    """Every turn's latency (seconds) at one concurrency, and the wall time of the whole level."""

    concurrency: int
    latencies: List[float] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def turns(self) -> int:
        """How many turns were timed."""
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        """Turns per second over the level's wall time."""
        return self.turns / self.wall_s if self.wall_s else 0.0

    def percentile_ms(self, share: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = min(len(ordered), max(1, math.ceil(share * len(ordered))))
        return ordered[rank - 1] * 1000


class Target:
    """A way to talk to one bot: `turn` sends one message and waits for its whole answer."""

    name = ""
    _session: Optional[aiohttp.ClientSession] = None

    async def turn(self, conversation: int, position: int, text: str) -> float:
        """Send message number `position` of `conversation`; return the seconds until its last reply."""
        raise NotImplementedError

    async def calibrate(self, conversation: int, script: Sequence[str]) -> List[List[str]]:
        """Run `script` once as a warm-up; return the reply texts of each turn."""
        raise NotImplementedError

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()

    def _client(self) -> aiohttp.ClientSession:
        """One pooled HTTP session per target, opened on first use inside the running loop."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_S)
            )
        return self._session


class RestTarget(Target):
    """Rasa's REST channel (ours is `GuardedRestInput`): replies come back in the response."""

    def __init__(self, name: str, base_urls: Sequence[str], sender_prefix: str) -> None:
        """Post to `base_urls` in turn (message k of a conversation to url k mod n)."""
        self.name = name
        self.base_urls = list(base_urls)
        self.sender_prefix = sender_prefix

    async def turn(self, conversation: int, position: int, text: str) -> float:
        """One POST; its latency."""
        started = time.monotonic()
        await self._post(conversation, position, text)
        return time.monotonic() - started

    async def calibrate(self, conversation: int, script: Sequence[str]) -> List[List[str]]:
        """The reply texts of each turn."""
        replies = []
        for position, text in enumerate(script):
            answer = await self._post(conversation, position, text)
            replies.append([str(reply.get("text", reply)) for reply in answer])
        return replies

    async def _post(self, conversation: int, position: int, text: str) -> list:
        url = self.base_urls[(conversation + position) % len(self.base_urls)]
        body = {"sender": f"{self.sender_prefix}-{conversation}", "message": text}
        async with self._client().post(f"{url}/webhooks/rest/webhook", json=body) as response:
            response.raise_for_status()
            return list(await response.json())


class TelegramTarget(Target):
    """Our Telegram adapter: a signed update to the webhook, replies timed at the fake Bot API."""

    def __init__(
        self, name: str, base_urls: Sequence[str], fake: FakeTelegramApi, secret: str, chat_base: int
    ) -> None:
        """Post updates to `base_urls` in turn; chats are `chat_base` + conversation number (targets
        sharing one fake need bases at least CHAT_SPAN apart)."""
        self.name = name
        self.base_urls = list(base_urls)
        self.secret = secret
        self.chat_base = chat_base
        self.expected: List[int] = []
        self._update_ids = itertools.count(chat_base)
        self._replies: Dict[int, List[float]] = {}
        self._texts: Dict[int, List[str]] = {}
        self._waiters: Dict[int, List[asyncio.Future]] = {}
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        fake.add_listener(self._on_request)

    async def turn(self, conversation: int, position: int, text: str) -> float:
        """Post the update; wait for this turn's calibrated number of replies."""
        target = self._count(conversation) + self.expected[position]
        started = time.monotonic()
        await self._deliver(conversation, position, text)
        arrived = await self._wait_for(conversation, target, TURN_TIMEOUT_S)
        return arrived - started

    async def calibrate(self, conversation: int, script: Sequence[str]) -> List[List[str]]:
        """Post each message, wait until no reply came for QUIET_S; remember the reply counts."""
        texts = []
        for position, text in enumerate(script):
            before = self._count(conversation)
            await self._deliver(conversation, position, text)
            await self._wait_for(conversation, before + 1, TURN_TIMEOUT_S)
            seen = -1
            while seen != self._count(conversation):
                seen = self._count(conversation)
                await asyncio.sleep(QUIET_S)
            texts.append(self._texts[self._chat(conversation)][before:seen])
        self.expected = [len(turn) for turn in texts]
        return texts

    def extra_replies(self) -> int:
        """Replies beyond the calibrated ones, over every conversation so far (should be 0)."""
        per_conversation = sum(self.expected)
        return sum(max(0, len(replies) - per_conversation) for replies in self._replies.values())

    def _chat(self, conversation: int) -> int:
        return self.chat_base + conversation

    async def _deliver(self, conversation: int, position: int, text: str) -> None:
        self._loop = asyncio.get_running_loop()
        url = self.base_urls[(conversation + position) % len(self.base_urls)]
        update = payloads.telegram_text_update(next(self._update_ids), self._chat(conversation), text)
        headers = {"Content-Type": "application/json", SECRET_HEADER: self.secret}
        async with self._client().post(
            f"{url}/webhooks/telegram/webhook", data=json.dumps(update).encode(), headers=headers
        ) as response:
            response.raise_for_status()
            await response.read()

    def _on_request(self, request: RecordedRequest) -> None:
        """Runs on the fake's thread: hand the reply over to the driving loop."""
        if not request.path.endswith("/sendMessage") or self._loop is None:
            return
        params = request.params()
        chat = int(params.get("chat_id") or 0)
        conversation = chat - self.chat_base
        if not 0 <= conversation < CHAT_SPAN:
            return
        self._loop.call_soon_threadsafe(self._record, chat, request.received_at, str(params.get("text", "")))

    def _record(self, chat: int, received_at: float, text: str) -> None:
        self._replies.setdefault(chat, []).append(received_at)
        self._texts.setdefault(chat, []).append(text)
        waiters = self._waiters.pop(chat, [])
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _count(self, conversation: int) -> int:
        return len(self._replies.get(self._chat(conversation), []))

    async def _wait_for(self, conversation: int, count: int, timeout_s: float) -> float:
        """Wait until `conversation` has `count` replies; the arrival time of the last of them."""
        chat = self._chat(conversation)
        deadline = time.monotonic() + timeout_s
        while len(self._replies.get(chat, [])) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: conversation {conversation} got no reply within {timeout_s:.0f} s")
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.setdefault(chat, []).append(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except asyncio.TimeoutError:
                continue
        return self._replies[chat][count - 1]


async def run_level(
    target: Target, concurrency: int, conversations: Sequence[int], script: Sequence[str]
) -> LevelResult:
    """Run `conversations` through `script`, `concurrency` at a time; every turn's latency and the wall time."""
    result = LevelResult(concurrency)
    pending = iter(conversations)

    async def worker() -> None:
        for conversation in pending:
            for position, text in enumerate(script):
                result.latencies.append(await target.turn(conversation, position, text))

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.wall_s = time.monotonic() - started
    return result
