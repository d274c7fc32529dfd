"""End to end: signed webhooks into a real `rasa run` (trained model, action server) with our channels
switched on, and the bot's real replies arriving at the fake Telegram, Slack and Twilio APIs."""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Dict, Iterator, List

import httpx
import pytest

from bot.launcher.processes import train
from bot.settings import REPO_ROOT
from tests.e2e.running_assistant import RunningAssistant
from tests.fakes import payloads
from tests.fakes.channel_assistant import PlatformFakes, PlatformSecrets, assistant_with_channels, platform_fakes

pytestmark = pytest.mark.slow

SECRETS = PlatformSecrets()


@pytest.fixture(scope="module")
def fakes() -> Iterator[PlatformFakes]:
    """The three fake platform APIs for the whole module."""
    with platform_fakes(SECRETS) as started:
        yield started


@pytest.fixture(scope="module")
def assistant(fakes: PlatformFakes, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    """The real assistant with the three channels on, pointed at the fakes."""
    model = train(REPO_ROOT / "models")
    with assistant_with_channels(model, tmp_path_factory.mktemp("channels-e2e"), SECRETS, fakes) as running:
        yield running


def post(assistant: RunningAssistant, path: str, body: bytes, headers: Dict[str, str]) -> httpx.Response:
    """POST a webhook to the running Rasa server."""
    return httpx.post(assistant.url + path, content=body, headers=headers, timeout=30)


def wait_until(condition: Callable[[], List[Any]], timeout_s: float = 60) -> List[Any]:
    """Poll until `condition()` returns a non-empty list."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the bot's reply at the fake API")


def user_turns(assistant: RunningAssistant, sender_id: str) -> int:
    """How many user messages the tracker holds for `sender_id` (":" stays unescaped in the path)."""
    response = httpx.get(
        f"{assistant.url}/conversations/{sender_id}/tracker",
        params={"token": assistant.processes.token}, timeout=30,
    )
    response.raise_for_status()
    return sum(1 for event in response.json()["events"] if event["event"] == "user")


def telegram_update(update_id: int, chat_id: int, text: str) -> tuple:
    """Body and headers of a Telegram webhook delivery."""
    body = json.dumps(payloads.telegram_text_update(update_id, chat_id, text)).encode()
    return body, {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRETS.telegram_secret}


def test_telegram_greeting_reaches_the_chat(assistant, fakes):
    telegram = fakes.telegram
    assert post(assistant, "/webhooks/telegram/webhook", *telegram_update(501, 8801, "hi")).status_code == 200
    replies = wait_until(lambda: [m for m in telegram.sent_messages() if m["chat_id"] == "8801"])
    assert "Brightway" in " ".join(m["text"] for m in replies)


def test_telegram_update_delivered_three_times_is_one_turn(assistant, fakes):
    for _ in range(3):
        assert post(assistant, "/webhooks/telegram/webhook", *telegram_update(502, 8802, "hello")).status_code == 200
    wait_until(lambda: [m for m in fakes.telegram.sent_messages() if m["chat_id"] == "8802"])
    time.sleep(1.0)
    assert user_turns(assistant, "telegram:8802") == 1


def test_telegram_forged_secret_is_refused(assistant, fakes):
    body, headers = telegram_update(503, 8803, "hi")
    headers["X-Telegram-Bot-Api-Secret-Token"] = "forged"
    assert post(assistant, "/webhooks/telegram/webhook", body, headers).status_code == 403
    time.sleep(1.0)
    assert not [m for m in fakes.telegram.sent_messages() if m["chat_id"] == "8803"]


def slack_event(event_id: str, user: str, channel: str, text: str) -> tuple:
    """Body and signed headers of a Slack DM event."""
    body = payloads.slack_json_body(payloads.slack_message_event(event_id, text=text, channel=channel, user=user))
    return body, payloads.slack_signature_headers(SECRETS.slack_secret, body)


def test_slack_greeting_reaches_the_dm(assistant, fakes):
    slack = fakes.slack
    assert post(assistant, "/webhooks/slack/events", *slack_event("EvE2E1", "U0E2E1", "D0E2E1", "hi")).status_code == 200
    replies = wait_until(lambda: [m for m in slack.posted_messages() if m["channel"] == "D0E2E1"])
    assert "Brightway" in json.dumps(replies)


def test_slack_retries_make_one_turn(assistant, fakes):
    body, headers = slack_event("EvE2E2", "U0E2E2", "D0E2E2", "hello")
    for retry in (None, "1", "2"):
        extra = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        assert post(assistant, "/webhooks/slack/events", body, {**headers, **extra}).status_code == 200
    wait_until(lambda: [m for m in fakes.slack.posted_messages() if m["channel"] == "D0E2E2"])
    time.sleep(1.0)
    assert user_turns(assistant, f"slack:{payloads.TEAM_ID}:D0E2E2") == 1


def test_slack_stale_timestamp_is_refused(assistant, fakes):
    body, _ = slack_event("EvE2E3", "U0E2E3", "D0E2E3", "hi")
    headers = payloads.slack_signature_headers(SECRETS.slack_secret, body, int(time.time()) - 600)
    assert post(assistant, "/webhooks/slack/events", body, headers).status_code == 401


def sms(message_sid: str, phone: str, text: str, url: str = SECRETS.sms_public_url) -> tuple:
    """Body and signed headers of a Twilio SMS webhook."""
    params = payloads.twilio_sms_params(message_sid, text, from_number=phone, account_sid=SECRETS.account_sid)
    return payloads.twilio_signed_request(SECRETS.auth_token, url, params)


def test_sms_greeting_is_texted_back(assistant, fakes):
    twilio = fakes.twilio
    assert post(assistant, "/webhooks/sms/webhook", *sms("SM" + "1" * 32, "+15550000001", "hi")).status_code == 200
    replies = wait_until(lambda: [m for m in twilio.sent_messages() if m["To"] == "+15550000001"])
    assert "Brightway" in " ".join(m["Body"] for m in replies)


def test_sms_redelivery_is_one_turn_and_other_url_is_refused(assistant, fakes):
    delivery = sms("SM" + "2" * 32, "+15550000002", "hello")
    for _ in range(3):
        assert post(assistant, "/webhooks/sms/webhook", *delivery).status_code == 200
    wait_until(lambda: [m for m in fakes.twilio.sent_messages() if m["To"] == "+15550000002"])
    time.sleep(1.0)
    assert user_turns(assistant, "sms:+15550000002") == 1
    forged = sms("SM" + "3" * 32, "+15550000003", "hi", url="https://elsewhere.example/webhooks/sms/webhook")
    assert post(assistant, "/webhooks/sms/webhook", *forged).status_code == 403
