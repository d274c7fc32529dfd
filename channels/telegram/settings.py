"""Telegram channel settings: bot token, webhook secret, API base URL and pacing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Dict, Mapping, Optional

from telegram import Bot

from channels.config_values import (
    ChannelConfigError,
    SettingsFromEnv,
    optional_value,
    pacing,
    required_secret,
)
from channels.telegram.aiohttp_request import AiohttpRequest

DEFAULT_API_BASE_URL = "https://api.telegram.org"
ENV_VARS = {"bot_token": "TELEGRAM_BOT_TOKEN", "webhook_secret": "TELEGRAM_WEBHOOK_SECRET"}
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class TelegramSettings(SettingsFromEnv):
    """Everything the Telegram channel needs to receive and send."""

    ENV_VARS: ClassVar[Dict[str, str]] = ENV_VARS

    bot_token: str
    webhook_secret: str
    api_base_url: str = DEFAULT_API_BASE_URL
    pace_per_s: float = 1.0
    pace_burst: int = 3

    @classmethod
    def from_credentials(
        cls, credentials: Optional[Mapping[str, Any]], env: Mapping[str, str]
    ) -> "TelegramSettings":
        """Secrets from the credentials.yml block (required), tuning from it or the environment."""
        secret = required_secret(credentials, "webhook_secret", "telegram", ENV_VARS["webhook_secret"])
        if not _SECRET_SHAPE.match(secret):
            raise ChannelConfigError(
                "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ or - "
                "(Telegram's rule for secret_token); generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
            )
        rate, burst = pacing(credentials, env, "TELEGRAM")
        return cls(
            bot_token=required_secret(credentials, "bot_token", "telegram", ENV_VARS["bot_token"]),
            webhook_secret=secret,
            api_base_url=optional_value(
                credentials, "api_base_url", env, "TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL
            ).rstrip("/"),
            pace_per_s=rate,
            pace_burst=burst,
        )

    def make_bot(self) -> Bot:
        """A python-telegram-bot `Bot` talking to the configured API base URL over aiohttp."""
        return Bot(
            self.bot_token,
            base_url=f"{self.api_base_url}/bot",
            base_file_url=f"{self.api_base_url}/file/bot",
            request=AiohttpRequest(),
            get_updates_request=AiohttpRequest(pool_size=1),
        )
