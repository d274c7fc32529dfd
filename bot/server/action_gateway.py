"""Bounded calls to the action server, with an honest reply when it is down, failing or too slow.

Rasa 3.6 waits up to 300 s for a custom action (the `timeout` key of `action_endpoint` is read
but never used) and, when the call fails, logs it and tells the customer nothing. This input
channel (credentials: `bot.server.action_gateway.ActionGatewayInput`) adds `POST
/webhooks/action_gateway/webhook` to the Rasa server; `action_endpoint` points there, and it
forwards each call to the real action server within `timeout_seconds`. When the action server
cannot answer, the customer gets the domain response `fallback_response`; when that keeps
happening (or the failing action was the handoff itself) the handoff is recorded here directly,
so the conversation still reaches a person.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.escalation import REASON_UNAVAILABLE, EscalationDecision
from bot.handoff.start import HandoffService
from bot.transcript import transcript_from_events

logger = logging.getLogger(__name__)

HANDOFF_ACTION = "action_handoff"
PASS_THROUGH_HEADERS = ("Content-Type", "Content-Encoding")


@dataclass(frozen=True)
class GatewaySettings:
    """Where the action server is, how long to wait, what to say, when to hand off."""

    url: str
    timeout_seconds: float = 5.0
    fallback_response: str = "utter_action_unavailable"
    handoff_after_failures: int = 2

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "GatewaySettings":
        """Read the channel's keys; `url` (the action server's webhook URL) is required."""
        credentials = credentials or {}
        url = str(credentials.get("url") or "").strip()
        if not url:
            raise ValueError(
                "bot.server.action_gateway.ActionGatewayInput needs `url`: the action server's webhook, "
                "e.g. http://127.0.0.1:5055/webhook (see docs/deploy.md)."
            )
        settings = cls(
            url=url,
            timeout_seconds=float(credentials.get("timeout_seconds", cls.timeout_seconds)),
            fallback_response=str(credentials.get("fallback_response", cls.fallback_response)),
            handoff_after_failures=int(credentials.get("handoff_after_failures", cls.handoff_after_failures)),
        )
        if settings.timeout_seconds <= 0 or settings.handoff_after_failures < 1:
            raise ValueError("action gateway: timeout_seconds must be > 0 and handoff_after_failures >= 1.")
        return settings


def unavailable_streak(events: List[Mapping[str, Any]], fallback_response: str) -> int:
    """How many of the bot's latest replies in a row were the 'cannot answer now' response."""
    streak = 0
    for event in reversed(events):
        if event.get("event") != "bot":
            continue
        if (event.get("metadata") or {}).get("utter_action") != fallback_response:
            break
        streak += 1
    return streak


def customer_label(tracker: Mapping[str, Any]) -> str:
    """How agents see the customer: a name or number from the channel's metadata, else the id."""
    metadata = (tracker.get("latest_message") or {}).get("metadata") or {}
    for key in ("customer_name", "name", "phone"):
        if metadata.get(key):
            return str(metadata[key])
    return str(tracker.get("sender_id", ""))


class ActionGateway:
    """Forwards action calls; answers for the action server when it cannot."""

    def __init__(self, settings: GatewaySettings, handoffs: Optional[HandoffService] = None) -> None:
        """`handoffs` records handoffs when the action server stays away (None: never)."""
        self.settings = settings
        self.handoffs = handoffs
        self.fallbacks = 0
        self._session: Optional[aiohttp.ClientSession] = None

    async def forward(self, body: bytes, headers: Mapping[str, str]) -> HTTPResponse:
        """Relay one call; on connection failure, timeout or 5xx answer with the fallback."""
        request_headers = {name: headers[name] for name in PASS_THROUGH_HEADERS if name in headers}
        try:
            async with self._client().post(self.settings.url, data=body, headers=request_headers) as upstream:
                payload = await upstream.read()
                if upstream.status < 500:
                    content_type = upstream.headers.get("Content-Type", "application/json")
                    return response.raw(payload, status=upstream.status, content_type=content_type)
                reason = f"HTTP {upstream.status}"
        except asyncio.TimeoutError:
            reason = f"no answer within {self.settings.timeout_seconds:g} s"
        except aiohttp.ClientError as error:
            reason = type(error).__name__
        return response.json(await self.fallback(body, reason))

    async def fallback(self, body: bytes, reason: str) -> Dict[str, Any]:
        """The action server's answer when it cannot give one: an honest reply, or the handoff."""
        self.fallbacks += 1
        call = _json_object(body)
        action = str(call.get("next_action", ""))
        tracker = call.get("tracker") or {}
        events = list(tracker.get("events") or [])
        logger.warning(
            "action_gateway.fallback action=%s reason=%s fallbacks=%d", action, reason, self.fallbacks
        )
        persistent = action == HANDOFF_ACTION or (
            unavailable_streak(events, self.settings.fallback_response) + 1 >= self.settings.handoff_after_failures
        )
        if persistent and self.handoffs is not None and tracker.get("sender_id"):
            try:
                return await asyncio.to_thread(_record_handoff, self.handoffs, tracker, events)
            except Exception as error:  # the project database may be down too: still answer honestly
                logger.error("action_gateway.handoff_failed error=%s", type(error).__name__)
        return {"events": [], "responses": [{"response": self.settings.fallback_response}]}

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.settings.timeout_seconds)
            )
        return self._session

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._session is not None:
            await self._session.close()


def _record_handoff(
    handoffs: HandoffService, tracker: Mapping[str, Any], events: List[Mapping[str, Any]]
) -> Dict[str, Any]:
    """Open the handoff (or find the open one), pause the bot and tell the customer."""
    started = handoffs.start(
        conversation_id=str(tracker["sender_id"]),
        channel=str(tracker.get("latest_input_channel") or "rest"),
        customer=customer_label(tracker),
        decision=EscalationDecision(True, REASON_UNAVAILABLE, 0.0, ()),
        transcript=transcript_from_events(events),
    )
    return {"events": [{"event": "pause"}], "responses": [{"text": started.customer_message}]}


def _json_object(body: bytes) -> Dict[str, Any]:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


class ActionGatewayInput(InputChannel):
    """Adds /webhooks/action_gateway/webhook to the Rasa server (point `action_endpoint` at it)."""

    @classmethod
    def name(cls) -> Text:
        """URL segment of the channel."""
        return "action_gateway"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "ActionGatewayInput":
        """Build the gateway and, from the project settings, the handoff service it falls back to."""
        from bot.handoff.business_hours import BusinessHours
        from bot.clock import system_clock
        from bot.records.database import create_database_engine
        from bot.records.schema_migrations import create_schema
        from bot.handoff.desk_notice import LogDesk
        from bot.handoff.store import HandoffStore
        from bot.services import VAR_DIR
        from bot.settings import load_settings

        settings = load_settings()
        engine = create_database_engine(settings.database_url)
        create_schema(engine)
        handoffs = HandoffService(
            HandoffStore(engine, system_clock), LogDesk(VAR_DIR / "desk_notifications.jsonl"),
            BusinessHours(settings.handoff), system_clock,
        )
        return cls(ActionGateway(GatewaySettings.from_credentials(credentials), handoffs))

    def __init__(self, gateway: ActionGateway) -> None:
        """Serve `gateway`."""
        self.gateway = gateway

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """One route, called by Rasa itself; it takes no customer messages."""
        gateway = Blueprint("action_gateway_webhook", __name__)

        @gateway.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            return await self.gateway.forward(request.body, request.headers)

        @gateway.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.gateway.close()

        return gateway
