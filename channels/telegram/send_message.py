"""sendMessage exactly as python-telegram-bot's `Bot.send_message` sends it, without reading the answer
into a `Message`.

`Bot.send_message` ends by turning Telegram's answer into a `Message` (the chat, the bot as sender,
dates, entities): about 0.3-0.4 ms of the event loop's CPU per reply on a busy server, for an
object nothing of ours reads. `send_message` posts the same parameters through the same `Bot`
(`_post`: its defaults, None dropped, the request and its error translation) and discards the
answer; `tests/channels/test_telegram_send_message.py` checks the request is byte for byte the one
`Bot.send_message` makes.
"""

from __future__ import annotations

from typing import Optional

from telegram import Bot, InlineKeyboardMarkup


async def send_message(
    bot: Bot, chat_id: int, text: str, parse_mode: str, reply_markup: Optional[InlineKeyboardMarkup] = None
) -> None:
    """Send `text` to `chat_id` as `bot.send_message(chat_id=..., text=..., parse_mode=...,
    reply_markup=...)` would; raises the same `TelegramError`s."""
    parameters = {"chat_id": chat_id, "text": text, "parse_mode": parse_mode, "reply_markup": reply_markup}
    await bot._post("sendMessage", parameters)  # noqa: SLF001  (Bot.send_message's own request step)
