"""Telegram channel on python-telegram-bot (credentials.yml key: `channels.telegram.TelegramInput`).

May import: the bot core and the rest of channels."""

from channels.telegram.input import TelegramInput
from channels.telegram.output import TelegramOutput
from channels.telegram.settings import TelegramSettings

__all__ = ["TelegramInput", "TelegramOutput", "TelegramSettings"]
