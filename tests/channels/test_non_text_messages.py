"""Empty, media-only and unsupported messages on every channel, through the real webhooks and fake platforms.

Outside a handoff the customer gets one plain answer per window (`bot.handoff.non_text_messages`); during
a handoff the message reaches Rasa (and so the agent) as "[photo] <link>" and the bot stays quiet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List

import pytest
import sqlalchemy as sa

from bot.handoff.store import HandoffStore
from bot.records.schema_migrations import create_schema
from channels.platform_input import PlatformInput
from channels.runtime import ChannelRuntime
from channels.slack import SlackInput, SlackSettings
from channels.sms import SmsInput, SmsSettings
from channels.telegram import TelegramInput, TelegramSettings
from tests.fakes import payloads
from tests.fakes.clock import FakeClock
from tests.fakes.rasa_app import ChannelServer, RecordingAgent
from tests.fakes.server import FakeApiServer
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.telegram_api import FakeTelegramApi
from tests.fakes.twilio_api import FakeTwilioApi

ANSWER_MARK = "only read typed text"
WINDOW_S = 5 * 60
TELEGRAM_TOKEN = "123456:NON-TEXT-token"
TELEGRAM_SECRET = "non-text-secret"
SLACK_TOKEN = "xoxb-non-text"
SLACK_SECRET = "non-text-signing-secret"
ACCOUNT_SID = "AC" + "7" * 32
AUTH_TOKEN = "non-text-twilio-token"
SMS_URL = "https://bot.brightway.example/webhooks/sms/webhook"
SLACK_PHOTO = "https://brightway.slack.com/files/U0CUSTOM1/F0PHOTO01/broken_kettle.jpg"
TWILIO_PHOTO = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM1/Media/ME1"
TELEGRAM_FILE_ID = "AgACAgQ"


@dataclass
class Platform:
    """One channel under test: how to write to it as a customer and what reached the customer."""

    name: str
    sender_id: str
    api: FakeApiServer
    build: Callable[[ChannelRuntime], PlatformInput]
    deliver: Callable[[ChannelServer, str, int], str]
    outbox: Callable[[], List[str]]
    photo_view: str
    inline_answers: List[str] = field(default_factory=list)

    def send(self, server: ChannelServer, kind: str, number: int) -> None:
        """Deliver an "empty", "photo" or "text" message; SMS answers arrive in the TwiML reply."""
        self.inline_answers.append(self.deliver(server, kind, number))

    def answers(self) -> List[str]:
        """Every plain non-text answer the customer received so far."""
        return [text for text in [*self.outbox(), *self.inline_answers] if ANSWER_MARK in text]


def telegram(api: FakeTelegramApi) -> Platform:
    def build(runtime: ChannelRuntime) -> PlatformInput:
        credentials = {"bot_token": TELEGRAM_TOKEN, "webhook_secret": TELEGRAM_SECRET, "api_base_url": api.url}
        return TelegramInput(TelegramSettings.from_credentials(credentials, {}), runtime)

    def deliver(server: ChannelServer, kind: str, number: int) -> str:
        update = {
            "empty": {"update_id": number, "message": payloads.telegram_message(5151, "")},
            "photo": payloads.telegram_photo_update(number, chat_id=5151),
            "text": payloads.telegram_text_update(number, chat_id=5151, text=f"text {number}"),
        }[kind]
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        response = server.post("/webhooks/telegram/webhook", json.dumps(update).encode(), headers)
        assert response.status_code == 200, response.text
        return ""

    return Platform("telegram", "telegram:5151", api, build, deliver,
                    lambda: [m["text"] for m in api.sent_messages()],
                    f"[photo] (no link: Telegram file id {TELEGRAM_FILE_ID})")


def slack(api: FakeSlackApi) -> Platform:
    def build(runtime: ChannelRuntime) -> PlatformInput:
        credentials = {"bot_token": SLACK_TOKEN, "signing_secret": SLACK_SECRET, "api_base_url": api.api_url}
        return SlackInput(SlackSettings.from_credentials(credentials, {}), runtime)

    def deliver(server: ChannelServer, kind: str, number: int) -> str:
        photo = {"id": "F0PHOTO01", "name": "broken_kettle.jpg", "mimetype": "image/jpeg", "permalink": SLACK_PHOTO}
        event = {
            "empty": payloads.slack_message_event(f"EvNT{number}", text=""),
            "photo": payloads.slack_message_event(f"EvNT{number}", text="", subtype="file_share", files=[photo]),
            "text": payloads.slack_message_event(f"EvNT{number}", text=f"text {number}"),
        }[kind]
        body = payloads.slack_json_body(event)
        signed_at = int(server.channels[0].runtime.clock.time())  # the channel checks freshness on its own clock
        response = server.post("/webhooks/slack/events", body, payloads.slack_signature_headers(SLACK_SECRET, body, signed_at))
        assert response.status_code == 200, response.text
        return ""

    return Platform("slack", f"slack:{payloads.TEAM_ID}:D0CUSTOM1", api, build, deliver,
                    lambda: [json.dumps(m) for m in api.posted_messages()], f"[photo] {SLACK_PHOTO}")


def sms(api: FakeTwilioApi) -> Platform:
    def build(runtime: ChannelRuntime) -> PlatformInput:
        credentials = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": "+15557654321",
                       "webhook_url": SMS_URL, "api_base_url": api.url}
        return SmsInput(SmsSettings.from_credentials(credentials, {}), runtime)

    def deliver(server: ChannelServer, kind: str, number: int) -> str:
        text, media = {"empty": ("", ()), "photo": ("", (TWILIO_PHOTO,)), "text": (f"text {number}", ())}[kind]
        params = payloads.twilio_sms_params(f"SM{number:032d}", text, account_sid=ACCOUNT_SID, media_urls=media)
        response = server.post("/webhooks/sms/webhook", *payloads.twilio_signed_request(AUTH_TOKEN, SMS_URL, params))
        assert response.status_code == 200, response.text
        return response.text

    return Platform("sms", "sms:+15551234567", api, build, deliver,
                    lambda: [m["Body"] for m in api.sent_messages()], f"[photo] {TWILIO_PHOTO}")


PLATFORMS: Dict[str, Callable[[], Any]] = {
    "telegram": lambda: (FakeTelegramApi(TELEGRAM_TOKEN), telegram),
    "slack": lambda: (FakeSlackApi(SLACK_TOKEN), slack),
    "sms": lambda: (FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN), sms),
}


@pytest.fixture(params=list(PLATFORMS))
def platform(request: pytest.FixtureRequest) -> Iterator[Platform]:
    """Each channel in turn, with its fake platform API running."""
    api, describe = PLATFORMS[request.param]()
    with api:
        yield describe(api)


def settle(server: ChannelServer, platform: Platform, number: int, turns: int) -> None:
    """Send a text message and wait for its bot turn: everything sent before it has been decided."""
    platform.send(server, "text", number)
    server.agent.wait_for_messages(turns)
    server.run_in_loop(server.channels[0].runtime.background.drain())


def test_empty_and_photo_get_one_plain_answer_per_window(platform, channel_env):
    clock = FakeClock()
    channel = platform.build(ChannelRuntime.start(channel_env, clock))
    with ChannelServer([channel], RecordingAgent(lambda message: [])) as server:
        platform.send(server, "empty", 1)
        settle(server, platform, 2, turns=1)
        assert len(platform.answers()) == 1

        platform.send(server, "photo", 3)
        settle(server, platform, 4, turns=2)
        assert len(platform.answers()) == 1, "a second non-text message within the window is not answered again"

        clock.advance(WINDOW_S + 1)
        platform.send(server, "photo", 5)
        settle(server, platform, 6, turns=3)
        answers = platform.answers()
    assert len(answers) == 2
    assert "human" in answers[0]
    assert [message.text for message in server.agent.received] == ["text 2", "text 4", "text 6"]


def test_during_a_handoff_the_agent_sees_the_photo_and_its_link(platform, channel_env):
    engine = sa.create_engine(channel_env["BRIGHTWAY_DB_URL"])
    create_schema(engine)
    HandoffStore(engine).open(platform.sender_id, platform.name, "Ada", "customer_asked", 0.0, (), [])
    engine.dispose()
    channel = platform.build(ChannelRuntime.start(channel_env))
    with ChannelServer([channel], RecordingAgent(lambda message: [])) as server:
        platform.send(server, "photo", 1)
        platform.send(server, "empty", 2)
        relayed = server.agent.wait_for_messages(2)
        server.run_in_loop(channel.runtime.background.drain())
    assert [message.text for message in relayed] == [platform.photo_view, "[empty message]"]
    assert relayed[0].sender_id == platform.sender_id
    assert relayed[0].metadata["attachments"][0]["kind"] == "photo"
    assert platform.answers() == []


def test_every_media_of_an_mms_reaches_the_agent_in_plain_words(channel_env):
    engine = sa.create_engine(channel_env["BRIGHTWAY_DB_URL"])
    create_schema(engine)
    HandoffStore(engine).open("sms:+15551234567", "sms", "+15551234567", "customer_asked", 0.0, (), [])
    engine.dispose()
    voice = TWILIO_PHOTO.replace("ME1", "ME2")
    with FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN) as api:
        platform = sms(api)
        with ChannelServer([platform.build(ChannelRuntime.start(channel_env))], RecordingAgent(lambda m: [])) as server:
            params = payloads.twilio_sms_params("MM" + "v" * 32, "", account_sid=ACCOUNT_SID,
                                                media_urls=(voice, TWILIO_PHOTO))
            params["MediaContentType0"] = "audio/amr"
            response = server.post("/webhooks/sms/webhook", *payloads.twilio_signed_request(AUTH_TOKEN, SMS_URL, params))
            relayed = server.agent.wait_for_messages(1)[0]
    assert ANSWER_MARK not in response.text
    assert relayed.text == f"[voice note] {voice} [photo] {TWILIO_PHOTO}"
