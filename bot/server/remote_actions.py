"""Sends custom-action calls to a separate action server (`python -m rasa_sdk`) over HTTP."""

from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional

import aiohttp

from bot.server.action_answers import ActionAnswer, ActionUnavailable

PASS_THROUGH_HEADERS = ("Content-Type", "Content-Encoding")


class RemoteActions:
    """The action server at `url`: its answers below 500 are relayed, the rest are failures."""

    def __init__(self, url: str, timeout_seconds: float) -> None:
        """Call `url` (the action server's webhook), giving up after `timeout_seconds`."""
        self.url = url
        self.timeout_seconds = timeout_seconds
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def target(self) -> str:
        """Where calls go, for logs."""
        return self.url

    async def run(self, body: bytes, headers: Mapping[str, str]) -> ActionAnswer:
        """Relay one call; raise `ActionUnavailable` on connection failure or a 5xx."""
        request_headers = {name: headers[name] for name in PASS_THROUGH_HEADERS if name in headers}
        try:
            async with self._client().post(self.url, data=body, headers=request_headers) as upstream:
                payload = await upstream.read()
                if upstream.status < 500:
                    content_type = upstream.headers.get("Content-Type", "application/json")
                    return ActionAnswer(upstream.status, payload, content_type)
                raise ActionUnavailable(f"HTTP {upstream.status}")
        except aiohttp.ClientError as error:
            raise ActionUnavailable(type(error).__name__) from error

    async def run_call(self, call: Dict[str, Any]) -> ActionAnswer:
        """Send a decoded call (see `run`)."""
        return await self.run(json.dumps(call).encode("utf-8"), {"Content-Type": "application/json"})

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_seconds))
        return self._session

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._session is not None:
            await self._session.close()
