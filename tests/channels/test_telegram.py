"""Telegram adapter: signed webhook in through a real Sanic app, replies at the fake Bot API."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List

import pytest
from rasa.core.channels.channel import UserMessage

from channels.runtime import ChannelRuntime
from channels.telegram import TelegramInput, TelegramSettings
from tests.fakes import payloads
from tests.fakes.rasa_app import ChannelServer, RecordingAgent
from tests.fakes.telegram_api import FakeTelegramApi, flood_wait_body

TOKEN = "123456:TEST-token_abc"
SECRET = "s3cret-Token_for_tests"
WEBHOOK = "/webhooks/telegram/webhook"


@pytest.fixture
def telegram_api() -> Iterator[FakeTelegramApi]:
    """The fake Bot API."""
    with FakeTelegramApi(TOKEN) as api:
        yield api


def make_channel(api: FakeTelegramApi, env: Dict[str, str]) -> TelegramInput:
    """A TelegramInput pointed at the fake API."""
    credentials = {
        "bot_token": TOKEN,
        "webhook_secret": SECRET,
        "api_base_url": api.url,
        "pace_per_second": 50,
    }
    return TelegramInput(TelegramSettings.from_credentials(credentials, env), ChannelRuntime.start(env))


def post_update(server: ChannelServer, update: Dict[str, Any], secret: str = SECRET) -> Any:
    """Deliver `update` as Telegram does."""
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return server.post(WEBHOOK, json.dumps(update).encode(), headers)


def test_text_message_reaches_rasa_and_reply_reaches_chat(telegram_api, channel_env):
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        update = payloads.telegram_text_update(1, chat_id=5551, text="where is my order?")
        assert post_update(server, update).status_code == 200
        message = server.agent.wait_for_messages(1)[0]
        sent = telegram_api.wait_for("/sendMessage")
    assert message.sender_id == "telegram:5551"
    assert message.input_channel == "telegram"
    assert message.text == "where is my order?"
    assert message.metadata["name"] == "Ada Lovelace"
    params = sent[0].params()
    assert params["chat_id"] == "5551"
    assert params["text"] == "You said: where is my order?"
    assert params["parse_mode"] == "HTML"


def test_buttons_become_an_inline_keyboard_and_a_press_returns_the_payload(telegram_api, channel_env):
    long_payload = '/order_status{"order_id": "113542617735902", "note": "a payload over 64 bytes"}'

    def ask(message: UserMessage) -> List[Dict[str, Any]]:
        buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "Track", "payload": long_payload}]
        return [{"text": "Did that help?", "buttons": buttons}]

    with ChannelServer([make_channel(telegram_api, channel_env)], RecordingAgent(ask)) as server:
        post_update(server, payloads.telegram_text_update(1, chat_id=42, text="help"))
        keyboard = telegram_api.wait_for("/sendMessage")[0]
        markup = json.loads(keyboard.params()["reply_markup"])["inline_keyboard"]
        assert [row[0]["text"] for row in markup] == ["Yes", "Track"]
        assert markup[0][0]["callback_data"] == "/affirm"
        assert len(markup[1][0]["callback_data"].encode()) <= 64
        post_update(server, payloads.telegram_callback_update(2, chat_id=42, data=markup[1][0]["callback_data"]))
        messages = server.agent.wait_for_messages(2)
        telegram_api.wait_for("/answerCallbackQuery")
    assert messages[1].text == long_payload
    assert messages[1].sender_id == "telegram:42"


def test_start_command_greets(telegram_api, channel_env):
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        post_update(server, payloads.telegram_text_update(1, text="/start"))
        post_update(server, payloads.telegram_text_update(2, text="/help@brightway_bot please"))
        messages = server.agent.wait_for_messages(2)
    assert [m.text for m in messages] == ["/greet", "help please"]


def test_same_update_three_times_makes_one_turn(telegram_api, channel_env):
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        statuses = [post_update(server, payloads.telegram_text_update(9, text="hi")).status_code for _ in range(3)]
        server.agent.wait_for_messages(1)
        telegram_api.wait_for("/sendMessage")
        server.run_in_loop(server.channels[0].runtime.background.drain())
    assert statuses == [200, 200, 200]
    assert len(server.agent.received) == 1
    assert len(telegram_api.sent_messages()) == 1


@pytest.mark.parametrize("secret", ["", "wrong-secret"])
def test_missing_or_wrong_secret_is_refused_without_a_turn(telegram_api, channel_env, secret):
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        response = post_update(server, payloads.telegram_text_update(3, text="hi"), secret=secret)
        server.run_in_loop(server.channels[0].runtime.background.drain())
    assert response.status_code == 403
    assert server.agent.received == []
    assert telegram_api.sent_messages() == []


def test_forged_update_does_not_poison_dedupe(telegram_api, channel_env):
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        post_update(server, payloads.telegram_text_update(4, text="hi"), secret="forged")
        assert post_update(server, payloads.telegram_text_update(4, text="hi")).status_code == 200
        server.agent.wait_for_messages(1)


def test_unknown_updates_are_acknowledged_and_ignored(telegram_api, channel_env):
    updates = [
        payloads.telegram_edited_update(5),
        payloads.telegram_group_join_update(6),
        {"update_id": 7, "message_reaction": {"chat": payloads.telegram_private_chat(), "message_id": 11,
                                              "date": 1700000000, "old_reaction": [], "new_reaction": []}},
        {"update_id": 8, "message": {**payloads.telegram_message(text="from a bot"),
                                     "from": payloads.telegram_user(is_bot=True)}},
    ]
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        statuses = [post_update(server, update).status_code for update in updates]
        server.run_in_loop(server.channels[0].runtime.background.drain())
    assert statuses == [200, 200, 200, 200]
    assert server.agent.received == []
    assert telegram_api.sent_messages() == []


def test_photo_without_caption_gets_a_polite_text_reply(telegram_api, channel_env):
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        assert post_update(server, payloads.telegram_photo_update(10, chat_id=42)).status_code == 200
        sent = telegram_api.wait_for("/sendMessage")
    assert "only read typed text" in sent[0].params()["text"]
    assert server.agent.received == []


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"update_id": "x", "message": 5}', "application/json", 400),
        (b"\xff\xfe\xfa", "application/json", 400),
        (b"update_id=1", "application/x-www-form-urlencoded", 415),
        (b"{" + b" " * 300_000 + b"}", "application/json", 413),
    ],
)
def test_malformed_bodies_get_4xx_not_500(telegram_api, channel_env, body, content_type, status):
    headers = {"Content-Type": content_type, "X-Telegram-Bot-Api-Secret-Token": SECRET}
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        response = server.post(WEBHOOK, body, headers)
    assert response.status_code == status
    assert server.agent.received == []


def test_long_replies_are_split_under_4096_and_rendered_as_html(telegram_api, channel_env):
    paragraph = "Our **refund policy** covers 30 days & more. " * 60

    def long_answer(message: UserMessage) -> List[Dict[str, Any]]:
        return [{"text": "\n\n".join([paragraph] * 4)}]

    with ChannelServer([make_channel(telegram_api, channel_env)], RecordingAgent(long_answer)) as server:
        post_update(server, payloads.telegram_text_update(11, text="refunds?"))
        telegram_api.wait_for("/sendMessage", count=3)
        server.run_in_loop(server.channels[0].runtime.background.drain())
    texts = [m["text"] for m in telegram_api.sent_messages()]
    assert len(texts) >= 3
    assert all(len(text) <= 4096 for text in texts)
    assert all("<b>refund policy</b>" in text and "&amp;" in text for text in texts)
    assert all(not text.endswith(("&am", "<b", "refu")) for text in texts)


def test_card_numbers_are_masked_before_rasa_sees_them(telegram_api, channel_env):
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        post_update(server, payloads.telegram_text_update(12, text="charge 4111 1111 1111 1111 please"))
        message = server.agent.wait_for_messages(1)[0]
    assert message.text == "charge [card ending 1111] please"


def test_flood_wait_then_success_through_the_webhook(telegram_api, channel_env):
    telegram_api.fail_next(1, 429, flood_wait_body(1), path_contains="/sendMessage")
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        post_update(server, payloads.telegram_text_update(13, text="hi"))
        sent = telegram_api.wait_for("/sendMessage", count=2)
    assert [r.params()["text"] for r in sent] == ["You said: hi", "You said: hi"]


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 20, "message": {"message_id": 1, "date": "yesterday", "chat": {"id": 1, "type": "private"}}},
        {"update_id": 21, "message": {"message_id": 1, "date": 10**20, "chat": {"id": 1, "type": "private"}}},
        {"update_id": 22, "callback_query": {"id": "q", "from": "nobody"}},
        {"update_id": 23, "brand_new_update_type": {"x": 1}},
        {"message": {"text": "no update id"}},
    ],
)
def test_odd_updates_never_make_a_500(telegram_api, channel_env, update):
    with ChannelServer([make_channel(telegram_api, channel_env)]) as server:
        response = post_update(server, update)
        server.run_in_loop(server.channels[0].runtime.background.drain())
    assert response.status_code in (200, 400)
    assert server.agent.received == []
