"""`GuardedRestInput` on a real Sanic app: good messages reach the agent as with Rasa's REST
channel; malformed ones get a 4xx and never reach it."""

from __future__ import annotations

import json
from typing import Dict, Iterator, Tuple

import httpx
import pytest

from channels.rest_guard import PLATFORM_CONVERSATION_PREFIXES, GuardedRestInput
from tests.fakes.rasa_app import ChannelServer

JSON = "application/json"
BAD: Dict[str, Tuple[bytes, str, int]] = {
    "malformed": (b'{"sender": "s", "message": ', JSON, 400),
    "invalid-utf8": (b'{"sender": "s", "message": "\xff"}', JSON, 400),
    "list": (b"[1, 2]", JSON, 400),
    "no-message": (b'{"sender": "s"}', JSON, 400),
    "message-object": (b'{"sender": "s", "message": {"a": 1}}', JSON, 400),
    "no-sender": (b'{"message": "hi"}', JSON, 400),
    "blank-sender": (b'{"sender": " ", "message": "hi"}', JSON, 400),
    "metadata-list": (b'{"sender": "s", "message": "hi", "metadata": [1]}', JSON, 400),
    "text-plain": (b'{"sender": "s", "message": "hi"}', "text/plain", 415),
    "too-big": (json.dumps({"sender": "s", "message": "a" * 2000}).encode(), JSON, 413),
    "nul-in-message": (b'{"sender": "s", "message": "a\\u0000b"}', JSON, 400),
    "lone-surrogate": (b'{"sender": "s", "message": "\\ud83d"}', JSON, 400),
    "lone-surrogate-sender": (b'{"sender": "\\udc00x", "message": "hi"}', JSON, 400),
    "sms-conversation": (b'{"sender": "sms:+15551234567", "message": "where is my order"}', JSON, 403),
    "telegram-conversation": (b'{"sender": "telegram:4242", "message": "never mind"}', JSON, 403),
    "slack-conversation": (b'{"sender": " Slack:T1:C1", "message": "hi"}', JSON, 403),
}


@pytest.fixture(scope="module")
def server() -> Iterator[ChannelServer]:
    """Rasa's REST routes behind the guard, with a 1000-byte limit."""
    with ChannelServer([GuardedRestInput.from_credentials({"max_body_bytes": 1000})]) as running:
        yield running


def test_a_good_message_reaches_the_agent_and_the_reply_comes_back(server: ChannelServer) -> None:
    body = json.dumps({"sender": "good-1", "message": "hello", "metadata": {"x": 1}}).encode()

    response = server.post("/webhooks/rest/webhook", body, {"Content-Type": "application/json; charset=utf-8"})

    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "good-1", "text": "You said: hello"}]
    assert [m.sender_id for m in server.agent.received if m.sender_id == "good-1"] == ["good-1"]


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_request_gets_a_4xx_and_never_reaches_the_agent(server: ChannelServer, case: str) -> None:
    body, content_type, status = BAD[case]
    before = len(server.agent.received)

    response = server.post("/webhooks/rest/webhook", body, {"Content-Type": content_type})

    assert response.status_code == status
    assert response.json()["error"]
    assert len(server.agent.received) == before


def test_the_platform_prefixes_are_the_platform_channels_conversation_ids() -> None:
    """The refused prefixes are exactly what the Telegram, Slack and SMS adapters name their conversations."""
    from channels.slack.events import CHANNEL as SLACK
    from channels.sms.output import CHANNEL as SMS
    from channels.telegram.updates import CHANNEL as TELEGRAM

    assert sorted(PLATFORM_CONVERSATION_PREFIXES) == sorted(f"{name}:" for name in (TELEGRAM, SLACK, SMS))


def test_the_channel_health_route_still_answers(server: ChannelServer) -> None:
    with httpx.Client(timeout=10) as client:
        assert client.get(server.url + "/webhooks/rest/").json() == {"status": "ok"}
