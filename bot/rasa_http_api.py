"""Client for the Rasa server's HTTP API, as the desk uses it: agent messages, resume, tracker."""

from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import quote

import httpx

AGENT_BACK_ACTION = "action_bot_back"


def conversation_path(conversation_id: str) -> str:
    """`/conversations/<id>` as Rasa's server matches it.

    Sanic 21 does not percent-decode path parameters, so the characters our channels put in
    conversation ids (`sms:+15551234567`, `slack:T1:D1`) must stay as they are.
    """
    return "/conversations/" + quote(conversation_id, safe=":+@")


class RasaApiError(RuntimeError):
    """The Rasa server refused or failed a request; the message says which and why."""


class RasaUnreachableError(RasaApiError):
    """The Rasa server did not answer at all (stopped, restarting, wrong address)."""


class RasaHttpApi:
    """Talks to `rasa run --enable-api --auth-token` for the human desk."""

    def __init__(self, base_url: str, token: str, timeout: float = 30.0,
                 transport: Optional[httpx.AsyncBaseTransport] = None) -> None:
        """Use the server at `base_url` with its API `token`."""
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.aclose()

    async def send_agent_message(self, conversation_id: str, agent: str, text: str) -> None:
        """Add an agent's message to the conversation and deliver it on the customer's channel."""
        await self._deliver(conversation_id, {"event": "bot", "text": text, "metadata": {"agent": agent}})

    async def send_bot_message(self, conversation_id: str, text: str) -> None:
        """Add a bot message (e.g. a queue update) and deliver it on the customer's channel."""
        await self._deliver(conversation_id, {"event": "bot", "text": text})

    async def _deliver(self, conversation_id: str, event: Dict[str, Any]) -> None:
        """Append a bot event and let Rasa send it through the conversation's latest channel."""
        await self._post(
            f"{conversation_path(conversation_id)}/tracker/events",
            [event],
            output_channel="latest",
            execute_side_effects="true",
        )

    async def resume(self, conversation_id: str) -> None:
        """Hand the conversation back to the bot, let it say so (and ask NPS once), then listen.

        `/execute` runs one action and stops; the closing `action_listen` lets rules match the
        customer's next message as they would after any bot turn.
        """
        path = conversation_path(conversation_id)
        await self._post(f"{path}/tracker/events", [{"event": "resume"}])
        await self._post(f"{path}/execute", {"name": AGENT_BACK_ACTION}, output_channel="latest")
        await self._post(f"{path}/tracker/events", [{"event": "action", "name": "action_listen"}])

    async def events(self, conversation_id: str) -> List[Dict[str, Any]]:
        """Every event of the conversation, oldest first."""
        try:
            response = await self._client.get(
                f"{self._base_url}{conversation_path(conversation_id)}/tracker",
                params={"token": self._token},
            )
        except httpx.HTTPError as error:
            raise RasaUnreachableError(f"Rasa server at {self._base_url} unreachable: {error}") from error
        self._raise_for(response)
        return list(response.json().get("events") or [])

    async def _post(self, path: str, body: Any, **params: str) -> Any:
        """POST JSON with the token; raise `RasaApiError` on failure."""
        try:
            response = await self._client.post(
                f"{self._base_url}{path}", json=body, params={"token": self._token, **params}
            )
        except httpx.HTTPError as error:
            raise RasaUnreachableError(f"Rasa server at {self._base_url} unreachable: {error}") from error
        self._raise_for(response)
        return response.json() if response.content else None

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        """Turn an error answer into `RasaApiError` with the server's reason."""
        if response.status_code >= 400:
            raise RasaApiError(
                f"Rasa API {response.request.method} {response.request.url.path} failed with "
                f"{response.status_code}: {response.text[:300]}"
            )
