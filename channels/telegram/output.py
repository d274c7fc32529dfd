"""Send Rasa's responses to a Telegram chat with python-telegram-bot's `Bot`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from channels.delivery import Deliverer
from channels.markdown import to_telegram_html
from channels.retry import PermanentSendError, RetryableSendError
from channels.splitting import split_rendered, utf16_length
from channels.telegram.callback_data import CallbackData
from channels.telegram.send_message import send_message
from channels.telegram.updates import CHANNEL

MAX_MESSAGE_LENGTH = 4096


class TelegramOutput(OutputChannel):
    """Text as HTML split to 4096 characters, buttons as an inline keyboard, paced per chat."""

    @classmethod
    def name(cls) -> str:
        """The channel name Rasa records on events."""
        return CHANNEL

    def __init__(self, bot: Bot, deliverer: Deliverer, callback_data: CallbackData) -> None:
        """Send with `bot`; every call goes through `deliverer` (pacing, retries, failure log)."""
        self._bot = bot
        self._deliverer = deliverer
        self._callback_data = callback_data

    @property
    def bot(self) -> Bot:
        """The python-telegram-bot `Bot` (also used to parse updates)."""
        return self._bot

    async def button_payload(self, callback_data: str) -> Optional[str]:
        """The payload of a pressed button, or None if it was stored and has expired."""
        return await self._callback_data.decode(callback_data)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send `text` to the chat behind `recipient_id` ("telegram:<chat_id>")."""
        await self._send(recipient_id, text, None)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send `text` with one inline-keyboard row per button; a press comes back as its payload."""
        rows = [
            [
                InlineKeyboardButton(
                    text=str(button.get("title", "")),
                    callback_data=await self._callback_data.encode(
                        str(button.get("payload") or button.get("title", ""))
                    ),
                )
            ]
            for button in buttons
        ]
        await self._send(recipient_id, text, InlineKeyboardMarkup(rows))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Send a photo by URL."""
        chat_id = await self._chat_id(recipient_id, image)
        if chat_id is not None:
            await self._deliverer.deliver(
                recipient_id,
                str(chat_id),
                image,
                self._call(lambda: self._bot.send_photo(chat_id=chat_id, photo=image)),
            )

    async def answer_button_press(self, callback_query_id: str) -> None:
        """Stop the spinner on the pressed button (best effort: failures are not a lost reply)."""
        try:
            await self._bot.initialize()
            await self._bot.answer_callback_query(callback_query_id)
        except TelegramError:
            return

    async def close(self) -> None:
        """Close the bot's HTTP connections."""
        await self._bot.shutdown()

    def _call(self, call: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
        """`call` preceded by a one-time `Bot.initialize()` (getMe), so `close` can release it."""

        async def initialized_call() -> Any:
            await self._bot.initialize()
            return await call()

        return _translated(initialized_call)

    async def _send(
        self, recipient_id: str, text: str, markup: Optional[InlineKeyboardMarkup]
    ) -> None:
        chat_id = await self._chat_id(recipient_id, text)
        if chat_id is None:
            return
        chunks = split_rendered(text or "", MAX_MESSAGE_LENGTH, to_telegram_html, utf16_length)
        for index, chunk in enumerate(chunks):
            keyboard = markup if index == len(chunks) - 1 else None
            delivered = await self._deliverer.deliver(
                recipient_id,
                str(chat_id),
                chunk,
                self._call(
                    lambda chunk=chunk, keyboard=keyboard: send_message(
                        self._bot, chat_id, chunk, ParseMode.HTML, keyboard
                    )
                ),
            )
            if not delivered:
                return

    async def _chat_id(self, recipient_id: str, text: str) -> Optional[int]:
        prefix, _, raw = recipient_id.partition(":")
        if prefix == CHANNEL and raw.lstrip("-").isdigit():
            return int(raw)
        await self._deliverer.record_failure(
            recipient_id, text, "not a Telegram conversation id (expected telegram:<chat_id>)", 0
        )
        return None


def _translated(call: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
    """Wrap a Bot call so its errors become retryable or permanent send errors."""

    async def attempt() -> Any:
        try:
            return await call()
        except RetryAfter as exc:
            raise RetryableSendError(str(exc), _seconds(exc.retry_after)) from exc
        except (BadRequest, Forbidden, InvalidToken, Conflict, ChatMigrated) as exc:
            raise PermanentSendError(str(exc)) from exc
        except NetworkError as exc:
            raise RetryableSendError(str(exc)) from exc
        except TelegramError as exc:
            raise PermanentSendError(str(exc)) from exc

    return attempt


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
