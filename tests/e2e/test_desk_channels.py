"""The full handoff loop on every customer channel, with the agents working in (fake) Slack.

Frustrated customer → handoff card in the agents' channel → agent's thread reply reaches the
customer on their own platform → the customer's answer and a photo ("[photo] <link>") show up
in the thread → `resolve` → the bot is back, asks NPS once → the score is stored → a photo now
gets the bot's plain "I can only read text" answer.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Tuple

import httpx
import pytest
import sqlalchemy as sa

from bot.launcher.processes import train
from bot.settings import REPO_ROOT
from tests.e2e.running_assistant import RunningAssistant
from tests.fakes import payloads
from tests.fakes.channel_assistant import PlatformFakes, PlatformSecrets, assistant_with_channels, platform_fakes
from tests.fakes.slack_api import FakeSlackApi

pytestmark = [pytest.mark.slow, pytest.mark.wall_clock]

SECRETS = PlatformSecrets()
AGENTS_CHANNEL = "C0AGENTS1"
DESK_TOKEN = "xoxb-desk-e2e"
DESK_SECRET = "desk-signing-secret"
FRUSTRATED = "This is the THIRD time I'm asking, your service is useless!!!"
EVENT_IDS = itertools.count(1)
TWILIO_PHOTO = "https://api.twilio.com/2010-04-01/Accounts/ACe2e/Messages/MM1/Media/ME1"
SLACK_PHOTO = "https://brightway.slack.com/files/U0SHOPPER/F0PHOTO01/kettle.jpg"


@dataclass
class Customer:
    """One customer on one platform: how to write as them, send a photo, and what reached them.

    `photo_view` is how the agents' thread shows that photo.
    """

    sender_id: str
    send: Callable[[str], None]
    received: Callable[[], List[str]]
    send_photo: Callable[[], None]
    photo_view: str


@pytest.fixture(scope="module")
def fakes() -> Iterator[PlatformFakes]:
    with platform_fakes(SECRETS) as started:
        yield started


@pytest.fixture(scope="module")
def desk_slack() -> Iterator[FakeSlackApi]:
    server = FakeSlackApi(DESK_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def assistant(fakes: PlatformFakes, desk_slack: FakeSlackApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    desk_env = {
        "SLACK_DESK_CHANNEL": AGENTS_CHANNEL,
        "SLACK_DESK_BOT_TOKEN": DESK_TOKEN,
        "SLACK_DESK_SIGNING_SECRET": DESK_SECRET,
        "SLACK_DESK_API_BASE_URL": desk_slack.api_url,
        "BRIGHTWAY_DESK_POLL_SECONDS": "0.2",
    }
    model = train(REPO_ROOT / "models")
    with assistant_with_channels(model, tmp_path_factory.mktemp("desk-channels"), SECRETS, fakes, desk_env) as running:
        yield running


def post(url: str, body: bytes, headers: Dict[str, str]) -> str:
    """POST a signed webhook, insist it was accepted, and return the answer's body."""
    response = httpx.post(url, content=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.text


def sms_customer(assistant: RunningAssistant, fakes: PlatformFakes, phone: str) -> Customer:
    twiml_answers: List[str] = []

    def send(text: str, media_urls: Tuple[str, ...] = ()) -> None:
        params = payloads.twilio_sms_params(f"SM{next(EVENT_IDS):032d}", text, from_number=phone,
                                            account_sid=SECRETS.account_sid, media_urls=media_urls)
        signed = payloads.twilio_signed_request(SECRETS.auth_token, SECRETS.sms_public_url, params)
        twiml_answers.append(post(assistant.url + "/webhooks/sms/webhook", *signed))

    def received() -> List[str]:
        """Texts sent through the REST API, then immediate answers in the webhook's TwiML."""
        return [m["Body"] for m in fakes.twilio.sent_messages() if m["To"] == phone] + twiml_answers

    return Customer(f"sms:{phone}", send, received, lambda: send("", (TWILIO_PHOTO,)), f"[photo] {TWILIO_PHOTO}")


def telegram_customer(assistant: RunningAssistant, fakes: PlatformFakes, chat_id: int) -> Customer:
    def deliver(update: Dict[str, Any]) -> None:
        post(assistant.url + "/webhooks/telegram/webhook", json.dumps(update).encode(),
             {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRETS.telegram_secret})

    return Customer(f"telegram:{chat_id}",
                    lambda text: deliver(payloads.telegram_text_update(700000 + next(EVENT_IDS), chat_id, text)),
                    lambda: [m["text"] for m in fakes.telegram.sent_messages() if m["chat_id"] == str(chat_id)],
                    lambda: deliver(payloads.telegram_photo_update(700000 + next(EVENT_IDS), chat_id)),
                    "[photo] (no link: Telegram file id AgACAgQ)")


def slack_customer(assistant: RunningAssistant, fakes: PlatformFakes, channel: str) -> Customer:
    def send(text: str, **event_extra: Any) -> None:
        event = payloads.slack_message_event(f"EvDesk{next(EVENT_IDS)}", text=text, channel=channel, user="U0SHOPPER",
                                             **event_extra)
        body = payloads.slack_json_body(event)
        post(assistant.url + "/webhooks/slack/events", body, payloads.slack_signature_headers(SECRETS.slack_secret, body))

    def received() -> List[str]:
        return [json.dumps(m) for m in fakes.slack.posted_messages() if m.get("channel") == channel]

    photo = {"id": "F0PHOTO01", "name": "kettle.jpg", "mimetype": "image/jpeg", "permalink": SLACK_PHOTO}
    return Customer(f"slack:{payloads.TEAM_ID}:{channel}", send, received,
                    lambda: send("", subtype="file_share", files=[photo]), f"[photo] {SLACK_PHOTO}")


def agent_says(assistant: RunningAssistant, thread: str, text: str) -> None:
    """An agent writes in the handoff's thread of the agents' channel (a signed Slack event)."""
    event = payloads.slack_message_event(f"EvAgent{next(EVENT_IDS)}", text=text, channel=AGENTS_CHANNEL,
                                         user="U0AGENT01", thread_ts=thread)
    body = payloads.slack_json_body(event)
    post(assistant.processes.desk_url + "/desk/slack/events", body, payloads.slack_signature_headers(DESK_SECRET, body))


def wait_for(condition: Callable[[], Any], what: str, timeout_s: float = 30) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def query(assistant: RunningAssistant, sql: str, **params: Any) -> List[Any]:
    engine = sa.create_engine(assistant.db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


def thread_posts(desk_slack: FakeSlackApi, thread: str) -> List[str]:
    return [m.get("text", "") for m in desk_slack.posted_messages() if m.get("thread_ts") == thread]


@pytest.mark.parametrize("platform", ["sms", "telegram", "slack"])
def test_handoff_loop_through_the_slack_desk(platform: str, assistant: RunningAssistant, fakes: PlatformFakes,
                                             desk_slack: FakeSlackApi) -> None:
    customer = {
        "sms": lambda: sms_customer(assistant, fakes, "+15550009001"),
        "telegram": lambda: telegram_customer(assistant, fakes, 990001),
        "slack": lambda: slack_customer(assistant, fakes, "D0DESKE2E"),
    }[platform]()
    customer.send("where is my order A-10977")
    wait_for(lambda: any("A-10977" in text for text in customer.received()), "the order status reply")
    customer.send(FRUSTRATED)
    wait_for(lambda: any("handing you over to a person" in text for text in customer.received()), "the handoff notice")

    rows = wait_for(lambda: query(assistant, "SELECT id, desk_thread FROM handoffs WHERE conversation_id = :c AND desk_thread IS NOT NULL",
                                  c=customer.sender_id), "the handoff posted to the agents' channel")
    handoff_id, thread = rows[0]
    card = [m for m in desk_slack.posted_messages() if m.get("channel") == AGENTS_CHANNEL and handoff_id in m.get("text", "")]
    assert card and FRUSTRATED in json.dumps(card[0].get("blocks"))

    agent_says(assistant, thread, "Hi, Sam from Brightway here. Your coffee maker is with the courier today.")
    wait_for(lambda: any("Sam from Brightway" in text for text in customer.received()), "the agent's reply on the customer's platform")

    customer.send("great, will it come before 6?")
    wait_for(lambda: any("before 6" in text for text in thread_posts(desk_slack, thread)), "the customer's answer in the thread")
    customer.send_photo()
    wait_for(lambda: any(customer.photo_view in text for text in thread_posts(desk_slack, thread)), "the photo in the thread")
    assert not any("only read typed text" in text for text in customer.received())

    agent_says(assistant, thread, "resolve")
    wait_for(lambda: any("0 to 10" in text for text in customer.received()), "the bot back, asking NPS")
    customer.send("9")
    wait_for(lambda: any("Thanks for the 9" in text for text in customer.received()), "thanks for the score")
    assert query(assistant, "SELECT score FROM nps_scores WHERE conversation_id = :c", c=customer.sender_id) == [(9,)]
    customer.send_photo()
    wait_for(lambda: any("only read typed text" in text for text in customer.received()), "the plain answer to a photo")
    status, claimed_by, first_reply, resolved = query(
        assistant, "SELECT status, claimed_by, first_human_reply_at, resolved_at FROM handoffs WHERE id = :h", h=handoff_id)[0]
    assert (status, claimed_by) == ("resolved", "U0AGENT01") and first_reply and resolved

    tracker = httpx.get(f"{assistant.url}/conversations/{customer.sender_id}/tracker",
                        params={"token": assistant.processes.token}, timeout=30).json()
    lines = [(e["event"], e.get("text"), (e.get("metadata") or {}).get("agent")) for e in tracker["events"] if e["event"] in ("user", "bot")]
    texts = [text for _, text, _ in lines]
    order = [texts.index(FRUSTRATED),
             next(i for i, (_, text, agent) in enumerate(lines) if agent == "U0AGENT01"),
             texts.index("great, will it come before 6?"),
             texts.index("9")]
    assert order == sorted(order)
