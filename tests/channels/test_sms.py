"""SMS adapter: Twilio-signed webhooks through a real Sanic app, texts at the fake Twilio API."""

from __future__ import annotations

from typing import Dict, Iterator

import pytest

from channels.runtime import ChannelRuntime
from channels.sms import SmsInput, SmsSettings
from tests.fakes import payloads
from tests.fakes.rasa_app import ChannelServer, RecordingAgent
from tests.fakes.twilio_api import FakeTwilioApi

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "twilio-auth-token-for-tests"
OUR_NUMBER = "+15557654321"
PUBLIC_URL = "https://bot.brightway.example/webhooks/sms/webhook"
WEBHOOK = "/webhooks/sms/webhook"


@pytest.fixture
def twilio_api() -> Iterator[FakeTwilioApi]:
    """The fake REST API."""
    with FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN) as api:
        yield api


def make_channel(api: FakeTwilioApi, env: Dict[str, str]) -> SmsInput:
    """An SmsInput pointed at the fake API, validating signatures for PUBLIC_URL."""
    credentials = {
        "account_sid": ACCOUNT_SID,
        "auth_token": AUTH_TOKEN,
        "from_number": OUR_NUMBER,
        "webhook_url": PUBLIC_URL,
        "api_base_url": api.url,
    }
    return SmsInput(SmsSettings.from_credentials(credentials, env), ChannelRuntime.start(env))


def post_sms(server: ChannelServer, message_sid: str, body: str = "hello", token: str = AUTH_TOKEN,
             url: str = PUBLIC_URL, **extra):
    """Deliver an incoming SMS as Twilio does."""
    params = payloads.twilio_sms_params(message_sid, body, account_sid=ACCOUNT_SID, **extra)
    data, headers = payloads.twilio_signed_request(token, url, params)
    return server.post(WEBHOOK, data, headers)


def test_sms_reaches_rasa_and_reply_is_texted_back(twilio_api, channel_env):
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        response = post_sms(server, "SM" + "a" * 32, "is my order shipped?")
        assert response.status_code == 200
        assert "<Response" in response.text
        message = server.agent.wait_for_messages(1)[0]
        sent = twilio_api.wait_for("/Messages.json")
    assert message.sender_id == "sms:+15551234567"
    assert message.input_channel == "sms"
    assert message.metadata["phone"] == "+15551234567"
    form = sent[0].form()
    assert form["To"] == "+15551234567"
    assert form["From"] == OUR_NUMBER
    assert form["Body"] == "You said: is my order shipped?"


def drain(server: ChannelServer) -> None:
    """Wait for background turns and replies to finish."""
    server.run_in_loop(server.channels[0].runtime.background.drain())


def test_reply_text_reaches_twilio_exactly_as_a_form(twilio_api, channel_env):
    text = "Refund = 50% + tax & fees? See #3 — café ✅"

    def answer(message):
        return [{"text": text}]

    with ChannelServer([make_channel(twilio_api, channel_env)], RecordingAgent(answer)) as server:
        post_sms(server, "SM" + "v" * 32, "refund?")
        sent = twilio_api.wait_for("/Messages.json")[0]
        drain(server)
    assert sent.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert sent.form()["Body"] == text
    assert sent.form()["To"] == "+15551234567"


def test_buttons_become_a_numbered_list_and_a_number_picks_the_payload(twilio_api, channel_env):
    def ask(message):
        if message.text.startswith("/"):
            return [{"text": f"Chose {message.text}"}]
        return [{"text": "Which **order**?", "buttons": [{"title": "Track it", "payload": "/order_status"},
                                                     {"title": "Cancel it", "payload": "/cancel_order"}]}]

    with ChannelServer([make_channel(twilio_api, channel_env)], RecordingAgent(ask)) as server:
        post_sms(server, "SM" + "b" * 32, "my order")
        first = twilio_api.wait_for("/Messages.json")[0].form()["Body"]
        post_sms(server, "SM" + "c" * 32, " 2 ")
        messages = server.agent.wait_for_messages(2)
        twilio_api.wait_for("/Messages.json", count=2)
        post_sms(server, "SM" + "d" * 32, "2")
        third = server.agent.wait_for_messages(3)[2]
        drain(server)
    assert first == "Which order?\n\n1. Track it\n2. Cancel it\n\nReply with a number."
    assert messages[1].text == "/cancel_order"
    assert third.text == "2"


def test_same_message_sid_three_times_makes_one_turn(twilio_api, channel_env):
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        statuses = [post_sms(server, "SM" + "e" * 32, "hi").status_code for _ in range(3)]
        server.agent.wait_for_messages(1)
        twilio_api.wait_for("/Messages.json")
        drain(server)
    assert statuses == [200, 200, 200]
    assert len(server.agent.received) == 1
    assert len(twilio_api.sent_messages()) == 1


def test_signature_for_another_url_is_refused(twilio_api, channel_env):
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        other_url = post_sms(server, "SM" + "f" * 32, url="https://attacker.example/webhooks/sms/webhook")
        wrong_token = post_sms(server, "SM" + "g" * 32, token="not-our-token")
        drain(server)
    assert other_url.status_code == 403
    assert wrong_token.status_code == 403
    assert server.agent.received == []
    assert twilio_api.sent_messages() == []


def test_missing_signature_and_tampered_fields_are_refused(twilio_api, channel_env):
    params = payloads.twilio_sms_params("SM" + "h" * 32, "hi", account_sid=ACCOUNT_SID)
    body, headers = payloads.twilio_signed_request(AUTH_TOKEN, PUBLIC_URL, params)
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        unsigned = server.post(WEBHOOK, body, {"Content-Type": headers["Content-Type"]})
        tampered = server.post(WEBHOOK, body.replace(b"Body=hi", b"Body=refund+me"), headers)
        drain(server)
    assert unsigned.status_code == 403
    assert tampered.status_code == 403
    assert server.agent.received == []


def test_another_twilio_account_is_refused(twilio_api, channel_env):
    params = payloads.twilio_sms_params("SM" + "i" * 32, "hi", account_sid="AC" + "9" * 32)
    body, headers = payloads.twilio_signed_request(AUTH_TOKEN, PUBLIC_URL, params)
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        response = server.post(WEBHOOK, body, headers)
    assert response.status_code == 403


def test_stop_opts_out_until_start(twilio_api, channel_env):
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        stop = post_sms(server, "SM" + "j" * 32, "Stop")
        ignored = post_sms(server, "SM" + "k" * 32, "where is my order")
        output = server.channels[0].get_output_channel()
        server.run_in_loop(output.send_text_message("sms:+15551234567", "Agent reply while opted out"))
        start = post_sms(server, "SM" + "l" * 32, "START")
        post_sms(server, "SM" + "m" * 32, "where is my order")
        server.agent.wait_for_messages(1)
        twilio_api.wait_for("/Messages.json")
        drain(server)
        failures = server.run_in_loop(server.channels[0].runtime.failures.recent())
    assert "unsubscribed" in stop.text and "START" in stop.text
    assert ignored.text.strip().endswith("<Response />")
    assert "resubscribed" in start.text
    assert [m.text for m in server.agent.received] == ["where is my order"]
    assert [m["Body"] for m in twilio_api.sent_messages()] == ["You said: where is my order"]
    assert failures[0].conversation_id == "sms:+15551234567"
    assert "opted out" in failures[0].error


def test_help_is_answered_without_a_bot_turn_and_yes_reaches_the_bot(twilio_api, channel_env):
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        help_reply = post_sms(server, "SM" + "n" * 32, "help")
        post_sms(server, "SM" + "o" * 32, "yes")
        message = server.agent.wait_for_messages(1)[0]
        drain(server)
    assert "Reply STOP" in help_reply.text
    assert message.text == "yes"


def test_mms_without_text_gets_a_polite_reply_and_no_crash(twilio_api, channel_env):
    media = ("https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1",)
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        response = post_sms(server, "MM" + "p" * 32, "", media_urls=media)
        with_text = post_sms(server, "MM" + "q" * 32, "photo of the damage", media_urls=media)
        message = server.agent.wait_for_messages(1)[0]
        drain(server)
    assert response.status_code == 200
    assert "only read typed text" in response.text
    assert with_text.status_code == 200
    assert message.text == "photo of the damage"


def test_long_replies_are_split_at_1600_as_plain_text(twilio_api, channel_env):
    text = "Our **returns** policy: [details](https://shop.example/r). " * 80

    def long_answer(message):
        return [{"text": text}]

    with ChannelServer([make_channel(twilio_api, channel_env)], RecordingAgent(long_answer)) as server:
        post_sms(server, "SM" + "r" * 32, "returns?")
        twilio_api.wait_for("/Messages.json", count=3)
        drain(server)
    bodies = [m["Body"] for m in twilio_api.sent_messages()]
    assert all(len(body) <= 1600 for body in bodies)
    assert bodies[0].startswith("Our returns policy: details (https://shop.example/r).")
    assert "**" not in "".join(bodies)


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b"Body&From", "application/x-www-form-urlencoded", 400),
        (b"Body=%ZZ&From=%2B1", "application/x-www-form-urlencoded", 403),
        (b"\xff\xfe", "application/x-www-form-urlencoded", 400),
        (b'{"Body": "hi"}', "application/json", 415),
        (b"Body=" + b"x" * 300_000, "application/x-www-form-urlencoded", 413),
    ],
)
def test_malformed_bodies_get_4xx_not_500(twilio_api, channel_env, body, content_type, status):
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        response = server.post(WEBHOOK, body, {"Content-Type": content_type, "X-Twilio-Signature": "x"})
    assert response.status_code == status


def test_request_url_is_used_when_no_public_url_is_configured(twilio_api, channel_env):
    credentials = {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": OUR_NUMBER,
                   "api_base_url": twilio_api.url}
    channel = SmsInput(SmsSettings.from_credentials(credentials, channel_env), ChannelRuntime.start(channel_env))
    with ChannelServer([channel]) as server:
        ok = post_sms(server, "SM" + "s" * 32, "hi", url=server.url + WEBHOOK)
        refused = post_sms(server, "SM" + "t" * 32, "hi", url=PUBLIC_URL)
        server.agent.wait_for_messages(1)
        drain(server)
    assert ok.status_code == 200
    assert refused.status_code == 403


def test_card_numbers_are_masked(twilio_api, channel_env):
    with ChannelServer([make_channel(twilio_api, channel_env)]) as server:
        post_sms(server, "SM" + "u" * 32, "my card 378282246310005")
        message = server.agent.wait_for_messages(1)[0]
    assert message.text == "my card [card ending 0005]"
