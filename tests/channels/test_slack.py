"""Slack adapter: signed Events API and interactivity requests through bolt, replies at the fake Web API."""

from __future__ import annotations

import logging
import time
from typing import Dict, Iterator

import pytest

from channels.runtime import ChannelRuntime
from channels.slack import SlackInput, SlackSettings
from channels.slack.events import emoji_as_unicode, emoji_in_blocks
from tests.fakes import payloads
from tests.fakes.rasa_app import ChannelServer, RecordingAgent
from tests.fakes.slack_api import FakeSlackApi

TOKEN = "xoxb-test-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
EVENTS = "/webhooks/slack/events"
INTERACTIVE = "/webhooks/slack/interactive"


@pytest.fixture
def slack_api() -> Iterator[FakeSlackApi]:
    """The fake Web API."""
    with FakeSlackApi(TOKEN) as api:
        yield api


def make_channel(api: FakeSlackApi, env: Dict[str, str]) -> SlackInput:
    """A SlackInput pointed at the fake API."""
    credentials = {
        "bot_token": TOKEN,
        "signing_secret": SIGNING_SECRET,
        "api_base_url": api.api_url,
        "pace_per_second": 50,
    }
    return SlackInput(SlackSettings.from_credentials(credentials, env), ChannelRuntime.start(env))


def post_event(server: ChannelServer, payload, secret: str = SIGNING_SECRET, timestamp=None, headers=None):
    """Deliver an Events API callback, signed as Slack does."""
    body = payloads.slack_json_body(payload)
    signed = payloads.slack_signature_headers(secret, body, timestamp)
    signed.update(headers or {})
    return server.post(EVENTS, body, signed)


def test_direct_message_reaches_rasa_and_reply_posts_to_the_dm(slack_api, channel_env):
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        response = post_event(server, payloads.slack_message_event("Ev01", text="where is my parcel?"))
        assert response.status_code == 200
        message = server.agent.wait_for_messages(1)[0]
        posted = slack_api.wait_for("/chat.postMessage")
    assert message.sender_id == f"slack:{payloads.TEAM_ID}:D0CUSTOM1"
    assert message.input_channel == "slack"
    assert message.text == "where is my parcel?"
    params = posted[0].params()
    assert params["channel"] == "D0CUSTOM1"
    assert params["blocks"][0]["text"]["text"] == "You said: where is my parcel?"
    assert "thread_ts" not in params


def test_emoji_shortcodes_reach_rasa_as_the_emoji_the_customer_picked(slack_api, channel_env):
    """Slack sends ":+1:" where Telegram and SMS send 👍; the assistant reads the emoji itself."""
    text = "thanks :pray: :+1::skin-tone-3: at 10:30:00 :partyparrot: :woman-facepalming:"
    blocks = [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "text", "text": "thanks "},
        {"type": "emoji", "name": "pray", "unicode": "1f64f"},
        {"type": "emoji", "name": "woman-facepalming", "unicode": "1f926-200d-2640-fe0f"},
        {"type": "emoji", "name": "partyparrot"},
    ]}]}]
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        event = payloads.slack_message_event("Ev09", text=text, blocks=blocks)
        assert post_event(server, event).status_code == 200
        message = server.agent.wait_for_messages(1)[0]
    assert message.text == (
        "thanks \U0001F64F \U0001F44D\U0001F3FC at 10:30:00 :partyparrot: \U0001F926\u200d\u2640\ufe0f"
    )


@pytest.mark.parametrize(
    "blocks", [None, "x", [1, None, {"elements": "no"}], [{"type": "emoji", "name": "a", "unicode": "zz"}],
               [{"type": "emoji", "name": 3, "unicode": "1f64f"}]]
)
def test_odd_rich_text_blocks_give_no_emoji_and_no_error(blocks):
    assert emoji_in_blocks(blocks) == {}


@pytest.mark.parametrize(
    "text", ["ORD:100:5", "ratio 1:100:1000", "status:ok:done", "user:id:42", "a:b:c", "`d = {1:o:2}`", "ok:+1:"]
)
def test_text_that_only_looks_like_shortcodes_is_left_as_typed(text):
    assert emoji_as_unicode(text) == text


def drain(server: ChannelServer) -> None:
    """Wait for background turns and replies to finish."""
    server.run_in_loop(server.channels[0].runtime.background.drain())


def test_mention_in_a_thread_is_answered_in_that_thread(slack_api, channel_env):
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        event = payloads.slack_mention_event("Ev02", text="is the X100 waterproof?", thread_ts="1700000000.000001")
        assert post_event(server, event).status_code == 200
        message = server.agent.wait_for_messages(1)[0]
        posted = slack_api.wait_for("/chat.postMessage")[0].params()
    assert message.text == "is the X100 waterproof?"
    assert message.sender_id == f"slack:{payloads.TEAM_ID}:C0SHOPPER:U0CUSTOM2"
    assert message.metadata["thread_ts"] == "1700000000.000001"
    assert posted["channel"] == "C0SHOPPER"
    assert posted["thread_ts"] == "1700000000.000001"


def test_dm_in_a_thread_is_answered_in_the_thread(slack_api, channel_env):
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        post_event(server, payloads.slack_message_event("Ev03", thread_ts="1700000000.000009"))
        posted = slack_api.wait_for("/chat.postMessage")[0].params()
    assert posted["thread_ts"] == "1700000000.000009"


def test_buttons_are_block_kit_and_a_press_returns_the_payload(slack_api, channel_env):
    def ask(message):
        return [{"text": "Did that help?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                       {"title": "No", "payload": "/deny"}]}]

    with ChannelServer([make_channel(slack_api, channel_env)], RecordingAgent(ask)) as server:
        post_event(server, payloads.slack_message_event("Ev04", text="help"))
        blocks = slack_api.wait_for("/chat.postMessage")[0].params()["blocks"]
        actions = [b for b in blocks if b["type"] == "actions"][0]["elements"]
        assert [(a["text"]["text"], a["value"]) for a in actions] == [("Yes", "/affirm"), ("No", "/deny")]
        body = payloads.slack_form_body(payloads.slack_block_actions("/deny"))
        headers = payloads.slack_signature_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
        assert server.post(INTERACTIVE, body, headers).status_code == 200
        messages = server.agent.wait_for_messages(2)
    assert messages[1].text == "/deny"
    assert messages[1].sender_id == f"slack:{payloads.TEAM_ID}:D0CUSTOM1"


def test_same_event_delivered_three_times_makes_one_turn(slack_api, channel_env):
    event = payloads.slack_message_event("Ev05", text="hi")
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        statuses = [post_event(server, event).status_code]
        for retry in ("1", "2"):
            headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
            statuses.append(post_event(server, event, headers=headers).status_code)
        server.agent.wait_for_messages(1)
        slack_api.wait_for("/chat.postMessage")
        drain(server)
    assert statuses == [200, 200, 200]
    assert len(server.agent.received) == 1
    assert len(slack_api.posted_messages()) == 1


@pytest.mark.parametrize("secret", ["not-the-signing-secret", ""])
def test_forged_signature_is_refused_without_a_turn(slack_api, channel_env, secret):
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        response = post_event(server, payloads.slack_message_event("Ev06"), secret=secret)
        drain(server)
    assert response.status_code == 401
    assert server.agent.received == []
    assert slack_api.posted_messages() == []


def test_missing_signature_headers_are_refused(slack_api, channel_env):
    body = payloads.slack_json_body(payloads.slack_message_event("Ev07"))
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        response = server.post(EVENTS, body, {"Content-Type": "application/json"})
        drain(server)
    assert response.status_code == 401
    assert server.agent.received == []


def test_refused_requests_are_one_log_line_each_without_the_body(slack_api, channel_env, caplog):
    event = payloads.slack_message_event("Ev10", text="zebracorn card 4111 1111 1111 1111", user="U0SECRET1")
    caplog.set_level(logging.INFO)
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        post_event(server, event, timestamp=int(time.time()) - 6 * 60)
        post_event(server, event, secret="forged")
        drain(server)
    written = [(record.name, record.getMessage()) for record in caplog.records]
    size = len(payloads.slack_json_body(event))
    assert [message for name, message in written if name == "channels.refused"] == [
        f"Refused a slack request (401): stale X-Slack-Request-Timestamp (more than 5 minutes off); from 127.0.0.1, {size} bytes",
        f"Refused a slack request (401): invalid X-Slack-Signature; from 127.0.0.1, {size} bytes",
    ]
    assert [message for _, message in written if "zebracorn" in message or "U0SECRET1" in message] == []


def test_timestamp_older_than_five_minutes_is_refused(slack_api, channel_env):
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        stale = post_event(server, payloads.slack_message_event("Ev08"), timestamp=int(time.time()) - 6 * 60)
        fresh = post_event(server, payloads.slack_message_event("Ev09"), timestamp=int(time.time()) - 4 * 60)
        server.agent.wait_for_messages(1)
        drain(server)
    assert stale.status_code == 401
    assert fresh.status_code == 200
    assert len(server.agent.received) == 1


def test_url_verification_challenge_is_answered(slack_api, channel_env):
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        response = post_event(server, payloads.slack_url_verification("abc123"))
    assert response.status_code == 200
    assert response.json() == {"challenge": "abc123"}


def test_edits_joins_reactions_and_bot_messages_are_acknowledged_and_ignored(slack_api, channel_env):
    events = [
        payloads.slack_reaction_event("Ev10"),
        payloads.slack_message_event("Ev11", subtype="message_changed"),
        payloads.slack_message_event("Ev12", subtype="channel_join"),
        payloads.slack_message_event("Ev13", bot_id=payloads.BOT_ID),
        payloads.slack_message_event("Ev14", user=payloads.BOT_USER_ID),
        payloads.slack_message_event("Ev15", channel="C0SHOPPER"),
    ]
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        statuses = [post_event(server, event).status_code for event in events]
        drain(server)
    assert statuses == [200] * len(events)
    assert server.agent.received == []
    assert slack_api.posted_messages() == []


def test_file_without_text_gets_a_polite_reply(slack_api, channel_env):
    event = payloads.slack_message_event("Ev16", text="", subtype="file_share", files=[{"id": "F1", "name": "a.png"}])
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        post_event(server, event)
        posted = slack_api.wait_for("/chat.postMessage")[0].params()
    assert "only read typed text" in posted["blocks"][0]["text"]["text"]
    assert server.agent.received == []


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b"{not json", "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"payload=%7Bbroken", "application/x-www-form-urlencoded", 400),
        (b"<xml/>", "text/xml", 415),
        (b"{" + b" " * 300_000 + b"}", "application/json", 413),
    ],
)
def test_malformed_bodies_get_4xx_not_500(slack_api, channel_env, body, content_type, status):
    headers = payloads.slack_signature_headers(SIGNING_SECRET, body, content_type=content_type)
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        response = server.post(EVENTS, body, headers)
    assert response.status_code == status


def test_mrkdwn_rendering_and_long_replies(slack_api, channel_env):
    text = "\n\n".join(["Read the **returns policy** at [our site](https://shop.example/returns) & ask."] * 100)

    def long_answer(message):
        return [{"text": text}]

    with ChannelServer([make_channel(slack_api, channel_env)], RecordingAgent(long_answer)) as server:
        post_event(server, payloads.slack_message_event("Ev17", text="returns?"))
        slack_api.wait_for("/chat.postMessage")
        drain(server)
    sections = [b["text"]["text"] for m in slack_api.posted_messages() for b in m["blocks"]]
    assert len(sections) >= 3
    assert all(len(section) <= 3000 for section in sections)
    assert "*returns policy* at <https://shop.example/returns|our site> &amp; ask." in sections[0]


def test_card_numbers_are_masked(slack_api, channel_env):
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        post_event(server, payloads.slack_message_event("Ev18", text="card 5555 5555 5555 4444"))
        message = server.agent.wait_for_messages(1)[0]
    assert message.text == "card [card ending 4444]"


def test_slack_is_acknowledged_before_a_slow_turn_finishes(slack_api, channel_env):
    with ChannelServer([make_channel(slack_api, channel_env)], RecordingAgent(turn_delay_s=2.0)) as server:
        started = time.monotonic()
        response = post_event(server, payloads.slack_message_event("Ev19", text="hi"))
        acked_after = time.monotonic() - started
        slack_api.wait_for("/chat.postMessage")
    assert response.status_code == 200
    assert acked_after < 1.0


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "event_callback", "event": "not an object", "event_id": "EvOdd1", "team_id": payloads.TEAM_ID},
        {"type": "event_callback", "event": {"type": "message", "user": 5, "channel": None}, "event_id": "EvOdd2"},
        {"type": "event_callback", "team_id": 42, "event_id": "EvOdd3"},
        {"type": "something_new"},
        {},
    ],
)
def test_odd_but_signed_payloads_never_make_a_500(slack_api, channel_env, payload):
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        response = post_event(server, payload)
        drain(server)
    assert response.status_code < 500
    assert server.agent.received == []


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "block_actions", "actions": "x", "trigger_id": "t1"},
        {"type": "block_actions", "team": "x", "user": "y", "actions": [{"value": "/affirm"}], "trigger_id": "t2"},
        {"type": "view_submission", "trigger_id": "t3"},
    ],
)
def test_odd_interactive_payloads_never_make_a_500(slack_api, channel_env, payload):
    body = payloads.slack_form_body(payload)
    headers = payloads.slack_signature_headers(SIGNING_SECRET, body, content_type="application/x-www-form-urlencoded")
    with ChannelServer([make_channel(slack_api, channel_env)]) as server:
        response = server.post(INTERACTIVE, body, headers)
        drain(server)
    assert response.status_code < 500
    assert server.agent.received == []
