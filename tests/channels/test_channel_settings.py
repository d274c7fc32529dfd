"""Configuration fails fast with a message that says what to set; numbers are checked."""

from __future__ import annotations

from typing import Dict

import pytest

from channels.config_values import ChannelConfigError
from channels.settings import load_channel_settings
from channels.slack import SlackInput, SlackSettings
from channels.sms import SmsInput, SmsSettings
from channels.telegram import TelegramInput, TelegramSettings


@pytest.mark.parametrize(
    "input_type, credentials, variable",
    [
        (TelegramInput, {"bot_token": "1:x", "webhook_secret": ""}, "TELEGRAM_WEBHOOK_SECRET"),
        (TelegramInput, {"webhook_secret": "abc"}, "TELEGRAM_BOT_TOKEN"),
        (TelegramInput, None, "TELEGRAM_"),
        (SlackInput, {"bot_token": "xoxb-1", "signing_secret": "  "}, "SLACK_SIGNING_SECRET"),
        (SlackInput, {"signing_secret": "s"}, "SLACK_BOT_TOKEN"),
        (SmsInput, {"account_sid": "AC1", "from_number": "+1555"}, "TWILIO_AUTH_TOKEN"),
        (SmsInput, {"auth_token": "t", "from_number": "+1555"}, "TWILIO_ACCOUNT_SID"),
    ],
)
def test_from_credentials_refuses_missing_or_empty_secrets(input_type, credentials, variable, monkeypatch):
    monkeypatch.delenv("TWILIO_FROM_NUMBER", raising=False)
    with pytest.raises(ChannelConfigError, match=variable):
        input_type.from_credentials(credentials)


def test_sms_needs_a_sender(channel_env: Dict[str, str]):
    with pytest.raises(ChannelConfigError, match="TWILIO_FROM_NUMBER"):
        SmsSettings.from_credentials({"account_sid": "AC1", "auth_token": "t"}, channel_env)
    service = SmsSettings.from_credentials(
        {"account_sid": "AC1", "auth_token": "t"}, {"TWILIO_MESSAGING_SERVICE_SID": "MG1"}
    )
    assert service.messaging_service_sid == "MG1"


def test_telegram_secret_must_be_a_valid_secret_token():
    with pytest.raises(ChannelConfigError, match="1-256 characters"):
        TelegramSettings.from_credentials({"bot_token": "1:x", "webhook_secret": "has spaces!"}, {})


def test_optional_settings_come_from_credentials_then_env_then_defaults():
    env = {"SLACK_API_BASE_URL": "http://127.0.0.1:9/api", "SLACK_PACE_PER_SECOND": "2"}
    settings = SlackSettings.from_credentials({"bot_token": "xoxb", "signing_secret": "s"}, env)
    assert settings.api_base_url == "http://127.0.0.1:9/api/"
    assert settings.pace_per_s == 2.0
    defaults = TelegramSettings.from_credentials({"bot_token": "1:x", "webhook_secret": "abc"}, {})
    assert defaults.api_base_url == "https://api.telegram.org"
    assert (defaults.pace_per_s, defaults.pace_burst) == (1.0, 3)


def test_shared_settings_defaults_and_overrides(channel_env: Dict[str, str]):
    defaults = load_channel_settings({"BRIGHTWAY_SETTINGS": channel_env["BRIGHTWAY_SETTINGS"]})
    assert defaults.database_url.endswith("var/brightway.db")
    assert defaults.dedupe_url == defaults.database_url
    assert defaults.dedupe_ttl_s == 86400
    tuned = load_channel_settings(
        {**channel_env, "BRIGHTWAY_DEDUPE_URL": "redis://127.0.0.1:6379/0", "BRIGHTWAY_MAX_BODY_BYTES": "1024"}
    )
    assert tuned.dedupe_url.startswith("redis://")
    assert tuned.max_body_bytes == 1024


@pytest.mark.parametrize("value", ["abc", "-1", "0"])
def test_bad_numbers_name_the_variable(value: str, channel_env: Dict[str, str]):
    with pytest.raises(ChannelConfigError, match="BRIGHTWAY_DEDUPE_TTL_SECONDS"):
        load_channel_settings({**channel_env, "BRIGHTWAY_DEDUPE_TTL_SECONDS": value})
