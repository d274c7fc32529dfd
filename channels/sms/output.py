"""Send Rasa's responses as SMS with the twilio REST client (plain text, 1600 characters a message)."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, List, Optional

import aiohttp
from rasa.core.channels.channel import OutputChannel
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from channels.delivery import Deliverer
from channels.markdown import to_plain_text
from channels.retry import PermanentSendError, RetryableSendError
from channels.sms.choices import ButtonMemory, numbered_list
from channels.sms.http_client import TwilioApiHttpClient
from channels.sms.opt_outs import OptOutRegistry
from channels.sms.settings import SmsSettings
from channels.splitting import split_text

CHANNEL = "sms"
MAX_BODY_LENGTH = 1600


def sender_id_for(phone: str) -> str:
    """Our conversation id for a phone number in E.164 form."""
    return f"{CHANNEL}:{phone}"


def phone_of(sender_id: str) -> Optional[str]:
    """The phone number behind an SMS conversation id, or None if it is not one."""
    prefix, _, phone = sender_id.partition(":")
    return phone if prefix == CHANNEL and phone else None


class TwilioConnection:
    """A twilio `Client` on our async HTTP client, created on first use inside the event loop."""

    def __init__(self, settings: SmsSettings) -> None:
        """Authenticate as the configured account against the configured API base URL."""
        self._settings = settings
        self._http = TwilioApiHttpClient(settings.api_base_url)
        self._client: Optional[Client] = None

    def client(self) -> Client:
        """The REST client."""
        if self._client is None:
            self._client = Client(
                self._settings.account_sid, self._settings.auth_token, http_client=self._http
            )
        return self._client

    async def send(self, phone: str, body: str) -> Any:
        """Create one outbound message."""
        sender: Dict[str, str] = (
            {"messaging_service_sid": self._settings.messaging_service_sid}
            if self._settings.messaging_service_sid
            else {"from_": self._settings.from_number}
        )
        return await self.client().messages.create_async(to=phone, body=body, **sender)

    async def close(self) -> None:
        """Close HTTP connections."""
        await self._http.close()


class SmsOutput(OutputChannel):
    """Plain text split at 1600 characters; buttons as a numbered list; nothing to opted-out numbers.

    The shared instance checks the opt-out list and the button offer before every send (it also
    serves the handoff desk). `for_turn` gives a bot turn an instance that knows both already
    from the customer's message, so a reply costs no database reads.
    """

    @classmethod
    def name(cls) -> str:
        """The channel name Rasa records on events."""
        return CHANNEL

    def __init__(
        self,
        connection: TwilioConnection,
        deliverer: Deliverer,
        opt_outs: OptOutRegistry,
        buttons: ButtonMemory,
        offer_pending: Optional[bool] = None,
    ) -> None:
        """Send through `connection` and `deliverer`; check `opt_outs`; remember offers in `buttons`.

        `offer_pending` None means unknown (check everything); True/False is a turn's knowledge.
        """
        self._connection = connection
        self._deliverer = deliverer
        self._opt_outs = opt_outs
        self._buttons = buttons
        self._offer_pending = offer_pending

    def for_turn(self, offer_pending: bool) -> "SmsOutput":
        """An output for one bot turn of a customer who just texted (so is not opted out)."""
        return SmsOutput(self._connection, self._deliverer, self._opt_outs, self._buttons, offer_pending)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Text `text` to the number behind `recipient_id` ("sms:+15551234567")."""
        await self._send(recipient_id, text, None)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Text `text` with the buttons numbered; a reply "1", "2"… is mapped back to the payload."""
        await self._send(recipient_id, numbered_list(text, buttons), buttons)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Text the image's link."""
        await self._send(recipient_id, image, None)

    async def close(self) -> None:
        """Close HTTP connections."""
        await self._connection.close()

    async def _send(
        self, recipient_id: str, text: str, buttons: Optional[List[Dict[str, Any]]]
    ) -> None:
        """Update the button offer, check the opt-out list unless this is a turn, then send."""
        phone = phone_of(recipient_id)
        if phone is None:
            await self._deliverer.record_failure(
                recipient_id, text, "not an SMS conversation id (expected sms:<E.164 number>)", 0
            )
            return
        if self._offer_pending is None and await self._opt_outs.is_opted_out(phone):
            await self._deliverer.record_failure(
                recipient_id, text, "recipient opted out (texted STOP)", 0
            )
            return
        if buttons:
            await self._buttons.remember(recipient_id, buttons)
        elif self._offer_pending is not False:
            await self._buttons.forget(recipient_id)
        if self._offer_pending is not None:
            self._offer_pending = bool(buttons)
        for chunk in split_text(to_plain_text(text or ""), MAX_BODY_LENGTH):
            delivered = await self._deliverer.deliver(
                recipient_id,
                phone,
                chunk,
                _translated(lambda chunk=chunk: self._connection.send(phone, chunk)),
            )
            if not delivered:
                return


def _translated(call: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """Wrap a twilio call: 4xx refusals are permanent, network trouble is retryable."""

    async def attempt() -> Any:
        try:
            return await call()
        except TwilioRestException as exc:
            raise PermanentSendError(f"Twilio refused ({exc.status}, code {exc.code})") from exc
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise RetryableSendError(f"network error: {exc.__class__.__name__}") from exc

    return attempt
