"""Bounded custom-action calls, with an honest reply when the actions are down, failing or too slow.

Rasa 3.6 waits up to 300 s for a custom action (the `timeout` key of `action_endpoint` is read
but never used) and, when the call fails, logs it and tells the customer nothing. This input
channel (credentials: `bot.server.action_gateway.ActionGatewayInput`) adds `POST
/webhooks/action_gateway/webhook` to the Rasa server; `action_endpoint` points there. By default
it runs the `actions` package in this process (`actions_module`, bot/server/in_process_actions.py); with
`url` it forwards each call to a separate action server (bot/server/remote_actions.py). Either way it
waits at most `timeout_seconds`; when the actions cannot answer, the customer gets the domain
response `fallback_response`, and when that keeps happening (or the failing action was the
handoff itself) the handoff is recorded here directly, so the conversation still reaches a person.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff.escalation import REASON_UNAVAILABLE, EscalationDecision
from bot.handoff.start import HandoffService
from bot.server import direct_action_calls
from bot.server.action_answers import ActionAnswer, ActionRunner, ActionUnavailable, decode_action_call
from bot.transcript import transcript_from_events

logger = logging.getLogger(__name__)

HANDOFF_ACTION = "action_handoff"
DEFAULT_ACTIONS_MODULE = "actions"


@dataclass(frozen=True)
class GatewaySettings:
    """Where the actions run (a package here, or a separate server), how long to wait, what to
    say, when to hand off."""

    url: str = ""
    actions_module: str = ""
    timeout_seconds: float = 5.0
    fallback_response: str = "utter_action_unavailable"
    handoff_after_failures: int = 2

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "GatewaySettings":
        """Read the channel's keys: `url` (a separate action server's webhook) or `actions_module`
        (default `actions`, run in this process), not both."""
        credentials = credentials or {}
        url = str(credentials.get("url") or "").strip()
        module = str(credentials.get("actions_module") or "").strip()
        if "url" in credentials and not url:
            raise ValueError(
                "bot.server.action_gateway.ActionGatewayInput: `url` is empty; give the action server's webhook, "
                "e.g. http://127.0.0.1:5055/webhook, or drop it to run the actions in process (docs/deploy.md)."
            )
        if url and module:
            raise ValueError("bot.server.action_gateway.ActionGatewayInput: give `url` or `actions_module`, not both.")
        settings = cls(
            url=url,
            actions_module="" if url else module or DEFAULT_ACTIONS_MODULE,
            timeout_seconds=float(credentials.get("timeout_seconds", cls.timeout_seconds)),
            fallback_response=str(credentials.get("fallback_response", cls.fallback_response)),
            handoff_after_failures=int(credentials.get("handoff_after_failures", cls.handoff_after_failures)),
        )
        if settings.timeout_seconds <= 0 or settings.handoff_after_failures < 1:
            raise ValueError("action gateway: timeout_seconds must be > 0 and handoff_after_failures >= 1.")
        return settings

    def runner(self) -> ActionRunner:
        """The actions these settings name: the separate server at `url`, else `actions_module` here."""
        if self.url:
            from bot.server.remote_actions import RemoteActions

            return RemoteActions(self.url, self.timeout_seconds)
        from bot.server.in_process_actions import InProcessActions

        return InProcessActions(self.actions_module or DEFAULT_ACTIONS_MODULE)


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
    """Passes action calls to the actions; answers for them when they cannot."""

    def __init__(
        self, settings: GatewaySettings, handoffs: Optional[HandoffService] = None,
        runner: Optional[ActionRunner] = None,
    ) -> None:
        """`handoffs` records handoffs when the actions stay away (None: never); `runner` defaults
        to the one `settings` name."""
        self.settings = settings
        self.handoffs = handoffs
        self.runner = runner or settings.runner()
        self.fallbacks = 0

    async def forward(self, body: bytes, headers: Mapping[str, str]) -> HTTPResponse:
        """Run one call from HTTP within the timeout; on failure or timeout answer with the fallback."""
        answer = await self._bounded(self.runner.run(body, headers), lambda: decode_action_call(body, headers) or {})
        return response.raw(answer.payload, status=answer.status, content_type=answer.content_type)

    async def answer(self, call: Dict[str, Any]) -> ActionAnswer:
        """Run one call from Rasa in this process (bot/server/direct_action_calls.py), as `forward` does."""
        return await self._bounded(self.runner.run_call(call), lambda: call)

    async def _bounded(
        self, work: Awaitable[ActionAnswer], call_of: Callable[[], Mapping[str, Any]]
    ) -> ActionAnswer:
        """`work`'s answer within the timeout, else the fallback for the call `call_of` gives."""
        try:
            return await asyncio.wait_for(work, self.settings.timeout_seconds)
        except asyncio.TimeoutError:
            reason = f"no answer within {self.settings.timeout_seconds:g} s"
        except ActionUnavailable as error:
            reason = str(error)
        return ActionAnswer.of_json(await self.fallback(call_of(), reason))

    async def fallback(self, call: Mapping[str, Any], reason: str) -> Dict[str, Any]:
        """The answer when the actions cannot give one: an honest reply, or the handoff."""
        self.fallbacks += 1
        action = str(call.get("next_action", ""))
        tracker = call.get("tracker") or {}
        events = list(tracker.get("events") or [])
        logger.warning(
            "action_gateway.fallback action=%s target=%s reason=%s fallbacks=%d",
            action, self.runner.target, reason, self.fallbacks,
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

    async def close(self) -> None:
        """Release the runner (HTTP client or worker threads)."""
        await self.runner.close()


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


class ActionGatewayInput(InputChannel):
    """Adds /webhooks/action_gateway/webhook to the Rasa server (point `action_endpoint` at it)."""

    @classmethod
    def name(cls) -> Text:
        """URL segment of the channel."""
        return "action_gateway"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "ActionGatewayInput":
        """Build the gateway; the handoff service it falls back to is the process's own
        (`bot.services.default_services`, which the in-process actions use too: one engine on the
        records database, not two)."""
        from bot.services import default_services

        handoffs = default_services().handoff_service
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

        @gateway.listener("after_server_start")
        async def serve_rasa_directly(app: Any, _: Any) -> None:
            direct_action_calls.serve_locally(self.gateway, direct_action_calls.listening_port(app))

        @gateway.listener("after_server_stop")
        async def close(*_: Any) -> None:
            direct_action_calls.serve_locally(None, 0)
            await self.gateway.close()

        return gateway
