"""Output channels built outside a request, from the environment, as the handoff desk uses them."""

from __future__ import annotations

import asyncio
from typing import Dict

import pytest

from channels.config_values import ChannelConfigError
from channels.registry import ChannelRegistry, UnknownChannel
from channels.runtime import ChannelRuntime
from channels.slack import SlackOutput
from channels.sms import SmsOutput
from channels.telegram import TelegramOutput
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi


def test_each_configured_channel_sends_to_its_own_platform(channel_env: Dict[str, str]):
    with FakeTelegramApi("1:tok") as telegram, FakeSlackApi("xoxb-1") as slack, FakeTwilioApi(
        "AC" + "3" * 32, "tw"
    ) as twilio:
        env = {
            **channel_env,
            "TELEGRAM_BOT_TOKEN": "1:tok", "TELEGRAM_WEBHOOK_SECRET": "s", "TELEGRAM_API_BASE_URL": telegram.url,
            "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_BASE_URL": slack.api_url,
            "TWILIO_ACCOUNT_SID": "AC" + "3" * 32, "TWILIO_AUTH_TOKEN": "tw",
            "TWILIO_FROM_NUMBER": "+15550001111", "TWILIO_API_BASE_URL": twilio.url,
        }

        async def scenario():
            registry = ChannelRegistry.from_env(env)
            kinds = [type(registry.output_channel_for(s)) for s in ("telegram:7", "slack:T1:D2", "sms:+15552223333")]
            await registry.send_text("telegram:7", "An agent here: your parcel left today.")
            await registry.send_text("slack:T1:C9:U4", "An agent here.")
            await registry.send_text("sms:+15552223333", "An agent here.")
            channels = registry.channels
            await registry.close()
            return kinds, channels

        kinds, channels = asyncio.run(scenario())
        assert kinds == [TelegramOutput, SlackOutput, SmsOutput]
        assert channels == ("telegram", "slack", "sms")
        assert telegram.sent_messages()[0]["chat_id"] == "7"
        assert slack.posted_messages()[0]["channel"] == "C9"
        assert twilio.sent_messages()[0]["To"] == "+15552223333"


def test_unconfigured_channel_is_a_clear_error(channel_env: Dict[str, str]):
    registry = ChannelRegistry.from_env(channel_env, ChannelRuntime.start(channel_env))
    assert registry.channels == ()
    with pytest.raises(UnknownChannel, match="No configured channel for conversation 'telegram'"):
        registry.output_channel_for("telegram:42")
    asyncio.run(registry.close())


def test_partly_configured_channel_fails_fast(channel_env: Dict[str, str]):
    with pytest.raises(ChannelConfigError, match="SLACK_SIGNING_SECRET"):
        ChannelRegistry.from_env({**channel_env, "SLACK_BOT_TOKEN": "xoxb-1"})


def test_bad_conversation_ids_are_recorded_not_raised(channel_env: Dict[str, str]):
    with FakeTelegramApi("1:tok") as telegram:
        env = {**channel_env, "TELEGRAM_BOT_TOKEN": "1:tok", "TELEGRAM_WEBHOOK_SECRET": "s",
               "TELEGRAM_API_BASE_URL": telegram.url}

        async def scenario():
            registry = ChannelRegistry.from_env(env)
            await registry.send_text("telegram:not-a-chat", "hello")
            failures = await registry.runtime.failures.recent()
            await registry.close()
            return failures

        failures = asyncio.run(scenario())
    assert failures[0].conversation_id == "telegram:not-a-chat"
    assert "telegram:<chat_id>" in failures[0].error
