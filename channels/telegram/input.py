"""Telegram webhook as a Rasa input channel: verify the secret, drop re-deliveries, hand to Rasa."""

from __future__ import annotations

from typing import Dict

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.attachments import NonTextMessage
from channels.handover import InboundMessage, OnNewMessage, hand_to_rasa
from channels.non_text_handover import InboundNonText, hand_over_non_text
from channels.platform_input import Handler, PlatformInput
from channels.request_body import parse_json_object, read_body_text, require_content_type
from channels.telegram.callback_data import CallbackData
from channels.telegram.output import TelegramOutput
from channels.telegram.settings import TelegramSettings
from channels.telegram.updates import CHANNEL, TelegramUpdate, UpdateKind, read_update
from channels.verification import check_secret_token

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramInput(PlatformInput):
    """Receives updates at /webhooks/telegram/webhook; sender ids are "telegram:<chat_id>"."""

    CHANNEL = CHANNEL
    SETTINGS = TelegramSettings
    settings: TelegramSettings

    def build_output(self) -> TelegramOutput:
        """Replies with the python-telegram-bot `Bot`, paced per chat."""
        return TelegramOutput(
            self.settings.make_bot(),
            self.runtime.deliverer(CHANNEL, self.settings.pace_per_s, self.settings.pace_burst),
            CallbackData(self.runtime.ttl_store, self.runtime.settings.button_memory_ttl_s),
        )

    def webhook_routes(self, on_new_message: OnNewMessage) -> Dict[str, Handler]:
        """POST /webhook."""

        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return {"/webhook": receive}

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        body = read_body_text(request, self.runtime.settings.max_body_bytes)
        check_secret_token(
            request.headers.get(SECRET_HEADER), self.settings.webhook_secret, SECRET_HEADER
        )
        require_content_type(request, "application/json")
        output = self.get_output_channel()
        update = read_update(parse_json_object(body), output.bot)
        if not await self.runtime.dedupe.is_first_delivery(CHANNEL, str(update.update_id)):
            return HTTPResponse(status=200)
        await self._act(update, output, on_new_message)
        return HTTPResponse(status=200)

    async def _act(
        self, update: TelegramUpdate, output: TelegramOutput, on_new_message: OnNewMessage
    ) -> None:
        background = self.runtime.background
        if update.callback_query_id is not None:
            background.spawn(output.answer_button_press(update.callback_query_id), "telegram ack")
        if update.kind is UpdateKind.NON_TEXT:
            await self._non_text(update, output, on_new_message)
            return
        if update.kind is UpdateKind.IGNORED:
            return
        text = update.text
        if update.kind is UpdateKind.BUTTON:
            payload = await output.button_payload(text)
            if payload is None:
                return
            text = payload
        message = InboundMessage(
            channel=CHANNEL,
            sender_id=update.sender_id,
            text=text,
            message_id=f"{CHANNEL}:{update.update_id}",
            metadata=update.metadata or {},
        )
        await hand_to_rasa(message, output, on_new_message, background)

    async def _non_text(
        self, update: TelegramUpdate, output: TelegramOutput, on_new_message: OnNewMessage
    ) -> None:
        """A photo, voice note, sticker or empty message: the agent's view, or the one answer."""
        inbound = InboundNonText(
            channel=CHANNEL,
            message=NonTextMessage(update.sender_id, update.attachments),
            message_id=f"{CHANNEL}:{update.update_id}",
            metadata=update.metadata or {},
        )
        background = self.runtime.background
        answer = await hand_over_non_text(inbound, self.runtime.non_text, output, on_new_message, background)
        if answer is not None:
            background.spawn(output.send_text_message(update.sender_id, answer), "telegram non-text answer")
