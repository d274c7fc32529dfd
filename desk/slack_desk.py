"""The Slack agents' desk: handoffs posted to an agents' channel, worked from their threads.

Agents see who is waiting, on which channel, why, and the transcript so far, with Claim and
Resolve buttons. A reply in the handoff's thread goes to the customer on their own channel;
`resolve` in the thread (or the button) hands the conversation back to the bot. This is the
agents' own Slack app (its own token and signing secret), separate from the customer-facing one.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.handoff.escalation import reason_in_words
from bot.handoff.store import ACTIVE_STATUSES, Handoff, HandoffError
from channels.config_values import ChannelConfigError
from channels.refusal_log import log_refusal
from channels.request_body import RequestRejected
from channels.slack_bolt import bolt_app
from channels.verification import SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, SlackSignature
from desk.service import ASSISTANT_FAILURES, DeskService

logger = logging.getLogger(__name__)

CLAIM_ACTION = "desk_claim"
RESOLVE_ACTION = "desk_resolve"
RESOLVE_COMMANDS = {"resolve", "/resolve", "!resolve", "done", "hand back"}
TRANSCRIPT_LINES = 12
LINE_CHARS = 280
DEFAULT_API_BASE_URL = "https://slack.com/api/"
DESK_CHANNEL = "slack desk"
ASSISTANT_DOWN_NOTE = "the assistant did not answer, so nothing changed; try again in a moment."


@dataclass(frozen=True)
class SlackDeskSettings:
    """The agents' Slack app: token, signing secret, channel, API base URL, review app URL."""

    bot_token: str
    signing_secret: str
    channel: str
    api_base_url: str = DEFAULT_API_BASE_URL
    review_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Optional["SlackDeskSettings"]:
        """Settings when `SLACK_DESK_CHANNEL` is set (desk on); refuses half-configured secrets."""
        channel = env.get("SLACK_DESK_CHANNEL", "").strip()
        if not channel:
            return None
        missing = [name for name in ("SLACK_DESK_BOT_TOKEN", "SLACK_DESK_SIGNING_SECRET") if not env.get(name)]
        if missing:
            raise ChannelConfigError(
                f"The Slack desk is on (SLACK_DESK_CHANNEL={channel}) but {', '.join(missing)} "
                "is not set; set it or unset SLACK_DESK_CHANNEL (see docs/channels.md)."
            )
        base = (env.get("SLACK_DESK_API_BASE_URL") or env.get("SLACK_API_BASE_URL") or DEFAULT_API_BASE_URL)
        base = base.rstrip("/") + "/"
        return cls(
            bot_token=env["SLACK_DESK_BOT_TOKEN"],
            signing_secret=env["SLACK_DESK_SIGNING_SECRET"],
            channel=channel,
            api_base_url=base,
            review_url=env.get("BRIGHTWAY_REVIEW_URL", "").rstrip("/"),
        )


def handoff_blocks(handoff: Handoff, review_url: str) -> List[Dict[str, Any]]:
    """Block Kit for a new handoff: who, channel, why, recent transcript, Claim/Resolve."""
    header = (
        f"*{handoff.id}*: {handoff.channel} customer *{handoff.customer}*: {reason_in_words(handoff.reason)} "
        f"(frustration {handoff.frustration_score:.2f}"
        + (f"; {', '.join(handoff.signals)}" if handoff.signals else "")
        + ")"
    )
    lines = [
        f"*{line.get('role', '?')}*: {_trim(str(line.get('text', '')))}"
        for line in handoff.transcript[-TRANSCRIPT_LINES:]
    ]
    if len(handoff.transcript) > TRANSCRIPT_LINES:
        lines.insert(0, f"_… {len(handoff.transcript) - TRANSCRIPT_LINES} earlier lines_")
    if review_url:
        lines.append(f"<{review_url}/handoffs/{handoff.id}|Full transcript>")
    buttons = [
        {"type": "button", "action_id": CLAIM_ACTION, "value": handoff.id, "style": "primary",
         "text": {"type": "plain_text", "text": "Claim"}},
        {"type": "button", "action_id": RESOLVE_ACTION, "value": handoff.id,
         "text": {"type": "plain_text", "text": "Resolve"}},
    ]
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": header}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines) or "_no messages_"}},
        {"type": "actions", "elements": buttons},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reply in this thread to answer the customer; write `resolve` to hand back to the bot."}]},
    ]


def _trim(text: str) -> str:
    """One transcript line, shortened for the channel (the review app has it whole)."""
    text = " ".join(text.split())
    return text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…"


class SlackDeskBoard:
    """Posts handoffs and their updates to the agents' channel (a `desk.relay.DeskBoard`)."""

    def __init__(self, settings: SlackDeskSettings, client: AsyncWebClient) -> None:
        """Post with `client` to `settings.channel`."""
        self._settings = settings
        self._client = client

    async def post_handoff(self, handoff: Handoff) -> Optional[str]:
        """The handoff's card; its `ts` becomes the thread agents work in."""
        response = await self._client.chat_postMessage(
            channel=self._settings.channel,
            text=f"{handoff.id}: {handoff.channel} customer waiting ({reason_in_words(handoff.reason)})",
            blocks=handoff_blocks(handoff, self._settings.review_url),
        )
        return str(response["ts"])

    async def post_customer_message(self, handoff: Handoff, text: str) -> None:
        """What the customer wrote while waiting, in the handoff's thread."""
        await self.post_note(handoff, f"*Customer*: {text}")

    async def post_escalation(self, handoff: Handoff) -> None:
        """Remind everyone in the channel that the customer is still waiting."""
        minutes = max(1, round((handoff.escalated_at - handoff.created_at).total_seconds() / 60)) if handoff.escalated_at else 0
        await self.post_note(handoff, f"<!here> {handoff.id} still unclaimed after {minutes} min: please claim it.", broadcast=True)

    async def post_closed(self, handoff: Handoff) -> None:
        """Say who closed the handoff and why."""
        note = f": {handoff.resolution_note}" if handoff.resolution_note else ""
        await self.post_note(handoff, f"Resolved by {handoff.resolved_by}{note}. The bot has the conversation again.")

    async def post_claimed(self, handoff: Handoff) -> None:
        """Say who is handling the handoff."""
        await self.post_note(handoff, f"Claimed by {_mention(handoff.claimed_by)}.")

    async def post_note(self, handoff: Handoff, text: str, broadcast: bool = False) -> None:
        """Post `text` in the handoff's thread (or top level if it was never posted)."""
        await self._client.chat_postMessage(
            channel=self._settings.channel, text=text, thread_ts=handoff.desk_thread,
            reply_broadcast=broadcast if handoff.desk_thread else None,
        )


def _mention(agent: Optional[str]) -> str:
    """Slack mention for a Slack user id, else the agent's name as is."""
    return f"<@{agent}>" if agent and agent.startswith("U") else str(agent)


def build_slack_desk_app(settings: SlackDeskSettings, desk: DeskService, board: SlackDeskBoard) -> AsyncApp:
    """Bolt app for the agents' Slack: handles thread replies and buttons (requests are verified
    before it, in `slack_desk_routes`)."""
    app = bolt_app(settings.bot_token, settings.signing_secret, settings.api_base_url, "desk.slack_desk.bolt")

    @app.event("message")
    async def thread_reply(event: Dict[str, Any]) -> None:
        if event.get("channel") != settings.channel or event.get("bot_id") or event.get("subtype"):
            return
        thread = event.get("thread_ts")
        handoff = desk.handoffs.by_desk_thread(thread) if thread else None
        if handoff is None:
            return
        agent = str(event.get("user") or "agent")
        text = str(event.get("text") or "").strip()
        try:
            if text.lower() in RESOLVE_COMMANDS:
                await board.post_closed(await desk.resolve(handoff.id, agent))
            else:
                await desk.reply(handoff.id, agent, text)
        except HandoffError as error:
            await board.post_note(handoff, f"{_mention(agent)}: {error}")
        except ASSISTANT_FAILURES:
            logger.exception("desk step failed at the assistant for %s", handoff.id)
            await board.post_note(handoff, f"{_mention(agent)}: {ASSISTANT_DOWN_NOTE}")

    @app.action(CLAIM_ACTION)
    async def claim(ack: Any, body: Dict[str, Any], action: Dict[str, Any]) -> None:
        await ack()
        agent = str((body.get("user") or {}).get("id") or "agent")
        result = desk.claim(str(action.get("value")), agent)
        if result.claimed:
            await board.post_claimed(result.handoff)
        elif result.handoff.status not in ACTIVE_STATUSES:
            await board.post_note(result.handoff, f"{_mention(agent)}: {result.handoff.id} is {result.handoff.status}; nothing to claim.")
        else:
            await board.post_note(result.handoff, f"{_mention(agent)}: already {result.handoff.status} by {_mention(result.handoff.claimed_by)}.")

    @app.action(RESOLVE_ACTION)
    async def resolve(ack: Any, body: Dict[str, Any], action: Dict[str, Any]) -> None:
        await ack()
        agent = str((body.get("user") or {}).get("id") or "agent")
        handoff_id = str(action.get("value"))
        try:
            await board.post_closed(await desk.resolve(handoff_id, agent))
        except HandoffError as error:
            await board.post_note(desk.handoffs.get(handoff_id), f"{_mention(agent)}: {error}")
        except ASSISTANT_FAILURES:
            logger.exception("resolve failed at the assistant for %s", handoff_id)
            await board.post_note(desk.handoffs.get(handoff_id), f"{_mention(agent)}: {ASSISTANT_DOWN_NOTE}")

    return app


def slack_desk_routes(app: AsyncApp, signing_secret: str) -> List[Route]:
    """Starlette routes for the agents' Slack app: events and interactivity on one URL, signature
    checked first (a refusal is one log line, never the body)."""
    handler = AsyncSlackRequestHandler(app)
    signature = SlackSignature(signing_secret)

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        try:
            signature.check(body, request.headers.get(SLACK_TIMESTAMP_HEADER), request.headers.get(SLACK_SIGNATURE_HEADER))
        except RequestRejected as rejected:
            log_refusal(DESK_CHANNEL, rejected.status, rejected.reason, request.client.host if request.client else None, len(body))
            return JSONResponse({"error": rejected.reason}, status_code=rejected.status)
        return await handler.handle(request)

    return [Route("/desk/slack/events", endpoint, methods=["POST"])]


@dataclass(frozen=True)
class SlackDesk:
    """The Slack desk's board (for the relay) and its web routes (for Slack's requests)."""

    board: SlackDeskBoard
    routes: List[Route]


def slack_desk_from_env(desk: DeskService, env: Optional[Mapping[str, str]] = None) -> Optional[SlackDesk]:
    """The Slack desk when `SLACK_DESK_CHANNEL` and its secrets are set, else None."""
    settings = SlackDeskSettings.from_env(os.environ if env is None else env)
    if settings is None:
        return None
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_base_url)
    board = SlackDeskBoard(settings, client)
    return SlackDesk(board, slack_desk_routes(build_slack_desk_app(settings, desk, board), settings.signing_secret))
