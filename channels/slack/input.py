"""Slack Events API and interactivity as a Rasa input channel, on slack-bolt's Sanic adapter."""

from __future__ import annotations

from typing import Any, Dict, Optional

from sanic.request import Request
from sanic.response import HTTPResponse
from slack_bolt.adapter.sanic.async_handler import to_async_bolt_request, to_sanic_response

from channels.handover import OnNewMessage, hand_to_rasa
from channels.non_text_handover import hand_over_non_text
from channels.platform_input import Handler, PlatformInput
from channels.request_body import (
    RequestRejected,
    parse_form,
    parse_json_object,
    read_body_text,
    require_content_type,
)
from channels.slack.bolt_app import SHAPE_ERRORS, build_bolt_app
from channels.slack.events import CHANNEL, SlackInbound, from_button, from_event
from channels.slack.output import SlackConnection, SlackOutput
from channels.slack.settings import SlackSettings
from channels.verification import SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, SlackSignature

FORM = "application/x-www-form-urlencoded"


class SlackInput(PlatformInput):
    """Receives at /webhooks/slack/events (and /interactive); see `events.sender_id_for` for ids."""

    CHANNEL = CHANNEL
    SETTINGS = SlackSettings
    settings: SlackSettings

    def build_output(self) -> SlackOutput:
        """Replies with slack_sdk's Web API client, paced per channel (top level; see `in_thread`)."""
        return SlackOutput(
            SlackConnection(self.settings),
            self.runtime.deliverer(CHANNEL, self.settings.pace_per_s, self.settings.pace_burst),
        )

    def webhook_routes(self, on_new_message: OnNewMessage) -> Dict[str, Handler]:
        """POST /events and POST /interactive: our checks of size, shape and signature (refusals
        are logged as one line, see `channels.refusal_log`), then bolt's Sanic adapter functions
        (our middleware, then our listeners)."""
        output = self.get_output_channel()

        async def on_event(body: Dict[str, Any], bot_user_id: Optional[str]) -> None:
            await self._accept(from_event(body, bot_user_id), output, on_new_message)

        async def on_button(body: Dict[str, Any]) -> None:
            await self._accept(from_button(body), output, on_new_message)

        bolt = build_bolt_app(self.settings, self.runtime.dedupe, on_event, on_button)
        signature = SlackSignature(self.settings.signing_secret, self.runtime.clock.time)

        async def receive(request: Request) -> HTTPResponse:
            self._check_body(request)
            signature.check(
                request.body or b"",
                request.headers.get(SLACK_TIMESTAMP_HEADER),
                request.headers.get(SLACK_SIGNATURE_HEADER),
            )
            try:
                bolt_request = to_async_bolt_request(request)
            except SHAPE_ERRORS:
                raise RequestRejected(400, "unexpected Slack payload shape") from None
            return to_sanic_response(await bolt.async_dispatch(bolt_request))

        return {"/events": receive, "/interactive": receive}

    def _check_body(self, request: Request) -> None:
        """Size, encoding and shape, so bolt only ever sees a well-formed body."""
        text = read_body_text(request, self.runtime.settings.max_body_bytes)
        require_content_type(request, "application/json", FORM)
        if request.headers.get("content-type", "").startswith(FORM):
            payload = parse_form(text).first("payload")
            if payload:
                parse_json_object(payload)
        else:
            parse_json_object(text)

    async def _accept(
        self, inbound: Optional[SlackInbound], output: SlackOutput, on_new_message: OnNewMessage
    ) -> None:
        if inbound is None:
            return
        reply_to = output.in_thread(inbound.thread_ts)
        background = self.runtime.background
        if inbound.non_text is not None:
            answer = await hand_over_non_text(
                inbound.non_text, self.runtime.non_text, reply_to, on_new_message, background
            )
            if answer is not None:
                background.spawn(reply_to.send_text_message(inbound.sender_id, answer), "slack non-text answer")
            return
        if inbound.message is not None:
            await hand_to_rasa(inbound.message, reply_to, on_new_message, background)
