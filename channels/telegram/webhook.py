"""Register, inspect or remove the Telegram webhook with its secret token.

Usage: python -m channels.telegram.webhook set --url https://HOST/webhooks/telegram/webhook
       python -m channels.telegram.webhook info | delete
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Mapping, Optional, Sequence

from telegram.error import TelegramError

from channels.config_values import ChannelConfigError
from channels.telegram.settings import TelegramSettings

ALLOWED_UPDATES = ("message", "callback_query")
WEBHOOK_PATH = "/webhooks/telegram/webhook"


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m channels.telegram.webhook",
        description="Manage the Telegram webhook (reads TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    set_command = commands.add_parser("set", help="point Telegram at our webhook, with the secret")
    set_command.add_argument("--url", required=True, help=f"public https URL ending in {WEBHOOK_PATH}")
    set_command.add_argument(
        "--drop-pending", action="store_true", help="discard updates Telegram is still holding"
    )
    commands.add_parser("info", help="show what Telegram has registered")
    commands.add_parser("delete", help="remove the webhook")
    return parser


async def run(arguments: argparse.Namespace, settings: TelegramSettings) -> str:
    """Carry out one command and return what to print."""
    async with settings.make_bot() as bot:
        if arguments.command == "set":
            await bot.set_webhook(
                url=arguments.url,
                secret_token=settings.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=arguments.drop_pending,
            )
            return f"Webhook set to {arguments.url} (secret token registered)."
        if arguments.command == "delete":
            await bot.delete_webhook()
            return "Webhook removed."
        info = await bot.get_webhook_info()
        return (
            f"url: {info.url or '(none)'}\npending updates: {info.pending_update_count}\n"
            f"last error: {info.last_error_message or '(none)'}"
        )


def main(argv: Optional[Sequence[str]] = None, env: Optional[Mapping[str, str]] = None) -> int:
    """Entry point; returns the process exit code."""
    arguments = build_parser().parse_args(argv)
    if arguments.command == "set" and not arguments.url.startswith("https://"):
        print("Telegram only calls https:// webhook URLs; pass the public https URL.", file=sys.stderr)
        return 2
    try:
        settings = TelegramSettings.from_env(os.environ if env is None else env)
        print(asyncio.run(run(arguments, settings)))
    except ChannelConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except TelegramError as error:
        print(f"Telegram refused: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
