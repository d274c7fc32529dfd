"""The slack-bolt app behind our endpoints: bolt verifies, our middleware drops re-deliveries."""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from channels.dedupe import Deduplicator
from channels.slack_bolt import bolt_app
from channels.slack.events import CHANNEL
from channels.slack.settings import SlackSettings
from channels.ttl_store import StoreUnavailable

EventHandler = Callable[[Dict[str, Any], Optional[str]], Awaitable[None]]
ActionHandler = Callable[[Dict[str, Any]], Awaitable[None]]
RETRY_NUM_HEADER = "x-slack-retry-num"
SHAPE_ERRORS = (AttributeError, IndexError, KeyError, TypeError, ValueError)

logger = logging.getLogger(__name__)


class DropRedeliveries(AsyncMiddleware):
    """Acknowledge without processing any event Slack already delivered (same event_id)."""

    def __init__(self, dedupe: Deduplicator) -> None:
        """Claim delivery ids in `dedupe`."""
        self._dedupe = dedupe

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        """Continue only for the first delivery; 503 when the store is down so Slack retries."""
        delivery_id = delivery_id_of(req.body)
        if delivery_id is None:
            return await next()
        try:
            first = await self._dedupe.is_first_delivery(CHANNEL, delivery_id)
        except StoreUnavailable:
            return BoltResponse(status=503, body={"error": "temporarily unavailable"})
        if not first:
            retry = req.headers.get(RETRY_NUM_HEADER, ["0"])[0]
            logger.info("dropped a Slack re-delivery (retry %s)", retry)
            return BoltResponse(status=200, body="")
        return await next()


def delivery_id_of(body: Dict[str, Any]) -> Optional[str]:
    """Slack's id for one delivery: event_id for events, trigger_id for button presses."""
    if body.get("event_id"):
        return str(body["event_id"])
    if body.get("type") == "block_actions" and body.get("trigger_id"):
        return f"action:{body['trigger_id']}"
    return None


def build_bolt_app(
    settings: SlackSettings, dedupe: Deduplicator, on_event: EventHandler, on_button: ActionHandler
) -> AsyncApp:
    """The customer channel's bolt app (see `bolt_app`): our middleware drops re-deliveries, then
    messages, mentions and button presses reach the handlers."""
    app = bolt_app(settings.bot_token, settings.signing_secret, settings.api_base_url, "channels.slack.bolt")
    app.middleware(DropRedeliveries(dedupe))

    @app.event("message")
    async def direct_message(body: Dict[str, Any], context: Dict[str, Any]) -> None:
        await on_event(body, context.get("bot_user_id"))

    @app.event("app_mention")
    async def mention(body: Dict[str, Any], context: Dict[str, Any]) -> None:
        await on_event(body, context.get("bot_user_id"))

    @app.action(re.compile(".*"))
    async def button(ack: Callable[[], Awaitable[None]], body: Dict[str, Any]) -> None:
        await ack()
        await on_button(body)

    @app.event(re.compile(".*"))
    async def any_other_event() -> None:
        """Joins, reactions, edits…: acknowledged and ignored."""

    app.error(refuse_odd_shapes)
    return app


async def refuse_odd_shapes(error: Exception) -> Optional[BoltResponse]:
    """A verified payload bolt cannot read (wrong field types) is a 400, not bolt's 500."""
    if isinstance(error, SHAPE_ERRORS):
        logger.warning("refused a Slack payload of an unexpected shape (%s)", type(error).__name__)
        return BoltResponse(status=400, body={"error": "unexpected Slack payload shape"})
    logger.error("Slack request failed", exc_info=error)
    return None
