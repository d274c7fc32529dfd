"""Outbound resilience through the real SDKs against fake platform APIs: 429/5xx retried, failures recorded."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, Iterator

import pytest

from channels.platform_input import PlatformInput
from channels.runtime import ChannelRuntime
from channels.slack import SlackInput
from channels.sms import SmsInput
from channels.telegram import TelegramInput
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi, flood_wait_body
from tests.fakes.twilio_api import FakeTwilioApi

TELEGRAM_TOKEN = "123456:TEST-token_abc"
SLACK_TOKEN = "xoxb-test-token"
ACCOUNT_SID = "AC" + "2" * 32
AUTH_TOKEN = "twilio-token"


@pytest.fixture
def fakes() -> Iterator[Dict[str, Any]]:
    """All three fake APIs."""
    with FakeTelegramApi(TELEGRAM_TOKEN) as telegram, FakeSlackApi(SLACK_TOKEN) as slack, FakeTwilioApi(
        ACCOUNT_SID, AUTH_TOKEN
    ) as twilio:
        yield {"telegram": telegram, "slack": slack, "twilio": twilio}


@pytest.fixture
def platform_env(fakes: Dict[str, Any], channel_env: Dict[str, str]) -> Dict[str, str]:
    """Every channel configured against the fakes; backoff 0.5 s doubling, 3 attempts."""
    return {
        **channel_env,
        "BRIGHTWAY_SEND_BACKOFF_SECONDS": "0.5",
        "BRIGHTWAY_SEND_BACKOFF_MAX_SECONDS": "30",
        "BRIGHTWAY_RETRY_AFTER_MAX_SECONDS": "60",
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": "secret",
        "TELEGRAM_API_BASE_URL": fakes["telegram"].url,
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": "signing",
        "SLACK_API_BASE_URL": fakes["slack"].api_url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+15557654321",
        "TWILIO_API_BASE_URL": fakes["twilio"].url,
    }


class PlatformOutputs:
    """Every platform's output channel built from `env`, as a channel builds its own at start-up."""

    def __init__(self, env: Dict[str, str], runtime: ChannelRuntime) -> None:
        self.runtime = runtime
        self.inputs: Dict[str, PlatformInput] = {
            input_type.CHANNEL: input_type(input_type.SETTINGS.from_env(env), runtime)
            for input_type in (TelegramInput, SlackInput, SmsInput)
        }

    async def send_text(self, sender_id: str, text: str) -> None:
        """Send `text` on the channel named by the conversation id's prefix ("telegram:42")."""
        channel = self.inputs[sender_id.partition(":")[0]]
        await channel.get_output_channel().send_text_message(sender_id, text)

    async def close(self) -> None:
        """Close every output channel and the shared stores."""
        for channel in self.inputs.values():
            await channel.get_output_channel().close()
        await self.runtime.close()


def run_with_outputs(env: Dict[str, str], clock: FakeClock, work: Callable[[PlatformOutputs], Any]) -> Any:
    """Run `work` with every platform's output channel built from `env`, closing them afterwards."""

    async def scenario() -> Any:
        outputs = PlatformOutputs(env, ChannelRuntime.start(env, clock))
        try:
            result = await work(outputs)
            return result, await outputs.runtime.failures.recent()
        finally:
            await outputs.close()

    return asyncio.run(scenario())


def test_telegram_flood_wait_is_honoured(fakes, platform_env):
    clock = FakeClock()
    fakes["telegram"].fail_next(1, 429, flood_wait_body(3), {"Retry-After": "3"}, "/sendMessage")
    _, failures = run_with_outputs(platform_env, clock, lambda r: r.send_text("telegram:42", "Hello"))
    assert [m["text"] for m in fakes["telegram"].sent_messages()] == ["Hello", "Hello"]
    assert 3.0 in clock.sleeps
    assert failures == []


def test_slack_429_retry_after_header_is_honoured(fakes, platform_env):
    clock = FakeClock()
    fakes["slack"].fail_next(1, 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}, "chat.post")
    _, failures = run_with_outputs(platform_env, clock, lambda r: r.send_text("slack:T1:D1", "Hello"))
    assert len(fakes["slack"].posted_messages()) == 2
    assert clock.sleeps == [7.0]
    assert failures == []


def test_twilio_5xx_is_retried_with_backoff(fakes, platform_env):
    clock = FakeClock()
    fakes["twilio"].fail_next(2, 503, {"message": "Service Unavailable"})
    _, failures = run_with_outputs(platform_env, clock, lambda r: r.send_text("sms:+15551230000", "Hello"))
    assert [m["Body"] for m in fakes["twilio"].sent_messages()] == ["Hello"] * 3
    assert clock.sleeps == [0.5, 1.0]
    assert failures == []


def test_a_reply_that_finally_fails_is_recorded_with_its_conversation(fakes, platform_env):
    clock = FakeClock()
    fakes["twilio"].fail_next(5, 500, {"message": "Internal error"})
    _, failures = run_with_outputs(
        platform_env, clock, lambda r: r.send_text("sms:+15551230000", "Your refund is approved.")
    )
    assert len(fakes["twilio"].sent_messages()) == 3
    assert len(failures) == 1
    assert failures[0].channel == "sms"
    assert failures[0].conversation_id == "sms:+15551230000"
    assert failures[0].text == "Your refund is approved."
    assert failures[0].attempts == 3
    assert "500" in failures[0].error


def test_permanent_refusals_are_recorded_without_retrying(fakes, platform_env):
    clock = FakeClock()
    blocked = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    fakes["telegram"].fail_next(1, 403, blocked, path_contains="/sendMessage")
    _, failures = run_with_outputs(platform_env, clock, lambda r: r.send_text("telegram:42", "Hi"))
    assert len(fakes["telegram"].sent_messages()) == 1
    assert clock.sleeps == []
    assert failures[0].conversation_id == "telegram:42"
    assert "blocked" in failures[0].error


def test_telegram_messages_to_one_chat_are_paced(fakes, platform_env):
    clock = FakeClock()

    async def burst(outputs: PlatformOutputs) -> None:
        for index in range(5):
            await outputs.send_text("telegram:42", f"message {index}")

    run_with_outputs(platform_env, clock, burst)
    assert [m["text"] for m in fakes["telegram"].sent_messages()] == [f"message {i}" for i in range(5)]
    assert clock.sleeps == [1.0, 1.0]
