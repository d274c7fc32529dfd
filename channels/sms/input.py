"""Twilio SMS webhook as a Rasa input channel: signature checked, keywords honoured, turns in the background."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional, Tuple

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.messaging_response import MessagingResponse

from bot.attachments import Attachment, NonTextMessage, kind_of_media_type
from channels.handover import InboundMessage, OnNewMessage, hand_to_rasa
from channels.non_text_handover import InboundNonText, hand_over_non_text
from channels.platform_input import Handler, PlatformInput
from channels.request_body import (
    FormFields,
    RequestRejected,
    parse_form,
    read_body_text,
    require_content_type,
)
from channels.runtime import ChannelRuntime
from channels.sms.choices import ButtonMemory, chosen_payload
from channels.sms.keywords import Keyword, keyword_of
from channels.sms.opt_outs import OptOutRegistry
from channels.sms.output import CHANNEL, SmsOutput, TwilioConnection, sender_id_for
from channels.sms.settings import SmsSettings
from channels.verification import TwilioSignature

SIGNATURE_HEADER = "X-Twilio-Signature"
FORM = "application/x-www-form-urlencoded"
MAX_MEDIA = 10  # Twilio delivers at most ten media per message


class SmsInput(PlatformInput):
    """Receives Twilio's POSTs at /webhooks/sms/webhook; sender ids are "sms:<E.164 number>"."""

    CHANNEL = CHANNEL
    SETTINGS = SmsSettings
    settings: SmsSettings

    def __init__(self, settings: SmsSettings, runtime: ChannelRuntime) -> None:
        """Use `settings` and the shared `runtime` (opt-outs and button offers live there)."""
        super().__init__(settings, runtime)
        self.opt_outs = OptOutRegistry(runtime.engine, runtime.clock)
        self.buttons = ButtonMemory(runtime.ttl_store, runtime.settings.button_memory_ttl_s)
        self._signature = TwilioSignature(settings.auth_token, settings.webhook_url)

    def build_output(self) -> SmsOutput:
        """Replies with the twilio REST client; nothing goes to opted-out numbers."""
        return SmsOutput(
            TwilioConnection(self.settings), self.runtime.deliverer(CHANNEL), self.opt_outs, self.buttons
        )

    def webhook_routes(self, on_new_message: OnNewMessage) -> Dict[str, Handler]:
        """POST /webhook."""

        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return {"/webhook": receive}

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        text = read_body_text(request, self.runtime.settings.max_body_bytes)
        require_content_type(request, FORM)
        fields = parse_form(text)
        self._verify(request, fields)
        message_sid, phone = fields.first("MessageSid"), fields.first("From")
        if not message_sid or not phone:
            raise RequestRejected(400, "MessageSid and From are required")
        if not await self.runtime.dedupe.is_first_delivery(CHANNEL, message_sid):
            return twiml()
        body = fields.first("Body").strip()
        keyword = keyword_of(body)
        if keyword is not None:
            reply = await self._keyword_reply(keyword, phone)
            if reply is not None:
                return twiml(reply)
        # Awaited one after the other, not gathered: on SQLite each read returns without suspending,
        # so the turn reaches Rasa before the busy event loop runs other conversations' work.
        if await self.opt_outs.is_opted_out(phone):
            return twiml()
        sender_id = sender_id_for(phone)
        if not body:
            return twiml(await self._non_text(sender_id, message_sid, fields, on_new_message))
        offered = await self.buttons.offered(sender_id)
        message = InboundMessage(
            channel=CHANNEL,
            sender_id=sender_id,
            text=chosen_payload(offered, body) or body,
            message_id=f"{CHANNEL}:{message_sid}",
            metadata=_customer(fields),
        )
        output = self.get_output_channel().for_turn(offer_pending=bool(offered))
        await hand_to_rasa(message, output, on_new_message, self.runtime.background)
        return twiml()

    async def _non_text(
        self, sender_id: str, message_sid: str, fields: FormFields, on_new_message: OnNewMessage
    ) -> Optional[str]:
        """An MMS without text or an empty SMS: the agent's view, or the one answer (as TwiML)."""
        inbound = InboundNonText(
            channel=CHANNEL,
            message=NonTextMessage(sender_id, _attachments(fields)),
            message_id=f"{CHANNEL}:{message_sid}",
            metadata=_customer(fields),
        )
        output = self.get_output_channel().for_turn(offer_pending=False)
        return await hand_over_non_text(
            inbound, self.runtime.non_text, output, on_new_message, self.runtime.background
        )

    def _verify(self, request: Request, fields: FormFields) -> None:
        """Twilio's signature over the public URL and the form fields, and our account, or 403."""
        self._signature.check(request.url, fields, request.headers.get(SIGNATURE_HEADER))
        if fields.first("AccountSid") != self.settings.account_sid:
            raise RequestRejected(403, "message is for another Twilio account")

    async def _keyword_reply(self, keyword: Keyword, phone: str) -> Optional[str]:
        """Act on STOP/START/HELP; None when the word should reach the bot after all."""
        if keyword is Keyword.OPT_OUT:
            await self.opt_outs.opt_out(phone)
            return self.settings.stop_reply
        if keyword is Keyword.HELP:
            return self.settings.help_reply
        if await self.opt_outs.is_opted_out(phone):
            await self.opt_outs.opt_in(phone)
            return self.settings.start_reply
        return None


def twiml(text: Optional[str] = None) -> HTTPResponse:
    """A TwiML answer: empty (replies follow through the REST API) or one immediate message."""
    return response.text(_twiml_document(text), content_type="application/xml")


@lru_cache(maxsize=16)
def _twiml_document(text: Optional[str] = None) -> str:
    """The TwiML for `twiml`, built with twilio's `MessagingResponse`; the few fixed answers
    (empty, keyword and media replies) are built once, not for every webhook."""
    answer = MessagingResponse()
    if text:
        answer.message(text)
    return str(answer)


def _attachments(fields: FormFields) -> Tuple[Attachment, ...]:
    """Twilio's MediaUrlN / MediaContentTypeN pairs; audio sent from a phone is a voice note."""
    try:
        count = min(int(fields.first("NumMedia", "0") or 0), MAX_MEDIA)
    except ValueError:
        count = 0
    return tuple(
        Attachment(
            kind_of_media_type(fields.first(f"MediaContentType{index}"), voice=True),
            link=fields.first(f"MediaUrl{index}") or None,
        )
        for index in range(count)
    )


def _customer(fields: FormFields) -> Dict[str, Any]:
    return {
        "phone": fields.first("From"),
        "to": fields.first("To"),
        "city": fields.first("FromCity") or None,
        "country": fields.first("FromCountry") or None,
    }
