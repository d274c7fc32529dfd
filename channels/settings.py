"""Settings shared by all channels (stores, limits, retries), read from the environment at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.settings import NonTextSettings, load_settings
from channels.config_values import env_number


@dataclass(frozen=True)
class ChannelSettings:
    """Where channel state lives, how hard the channels try to deliver, what non-text messages get."""

    database_url: str
    dedupe_url: str
    dedupe_ttl_s: float = 86400.0
    button_memory_ttl_s: float = 7 * 86400.0
    max_body_bytes: int = 256 * 1024
    send_max_attempts: int = 5
    send_backoff_s: float = 0.5
    send_backoff_max_s: float = 30.0
    retry_after_max_s: float = 120.0
    non_text: NonTextSettings = NonTextSettings()


def load_channel_settings(env: Mapping[str, str]) -> ChannelSettings:
    """Build settings from `env` (BRIGHTWAY_* variables), with defaults that run locally."""
    project = load_settings(environ=env)
    database_url = project.database_url
    return ChannelSettings(
        database_url=database_url,
        dedupe_url=env.get("BRIGHTWAY_DEDUPE_URL", "").strip() or database_url,
        dedupe_ttl_s=env_number(env, "BRIGHTWAY_DEDUPE_TTL_SECONDS", ChannelSettings.dedupe_ttl_s),
        button_memory_ttl_s=env_number(
            env, "BRIGHTWAY_BUTTON_MEMORY_TTL_SECONDS", ChannelSettings.button_memory_ttl_s
        ),
        max_body_bytes=int(
            env_number(env, "BRIGHTWAY_MAX_BODY_BYTES", ChannelSettings.max_body_bytes)
        ),
        send_max_attempts=int(
            env_number(env, "BRIGHTWAY_SEND_MAX_ATTEMPTS", ChannelSettings.send_max_attempts)
        ),
        send_backoff_s=env_number(
            env, "BRIGHTWAY_SEND_BACKOFF_SECONDS", ChannelSettings.send_backoff_s, allow_zero=True
        ),
        send_backoff_max_s=env_number(
            env, "BRIGHTWAY_SEND_BACKOFF_MAX_SECONDS", ChannelSettings.send_backoff_max_s
        ),
        retry_after_max_s=env_number(
            env, "BRIGHTWAY_RETRY_AFTER_MAX_SECONDS", ChannelSettings.retry_after_max_s
        ),
        non_text=project.non_text,
    )
