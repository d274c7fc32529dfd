"""End to end: refused webhook deliveries leave one line each in the logs and nothing they carried.

The real assistant runs with the three customer channels and the Slack desk on (fake platforms).
Unsigned, forged and stale deliveries carry a marker word, a card number, a URL-encoded phone
number and Slack ids; afterwards every file of the run's folder (each process's log holds its
whole output, stdout and stderr) is searched for them. Telegram and Twilio sign without a
timestamp, so "stale" exists for Slack only; Twilio's replay to another URL stands in for it.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Tuple
from urllib.parse import quote

import httpx
import pytest

from bot.launcher.processes import train
from bot.settings import REPO_ROOT
from tests.e2e.running_assistant import RunningAssistant
from tests.fakes import payloads
from tests.fakes.channel_assistant import PlatformFakes, PlatformSecrets, assistant_with_channels, platform_fakes
from tests.fakes.slack_api import FakeSlackApi

pytestmark = pytest.mark.slow

SECRETS = PlatformSecrets()
DESK_TOKEN = "xoxb-desk-privacy"
DESK_SECRET = "desk-privacy-secret"
MARKER = "zebracorn4471"
CARD = "4111 1111 1111 1111"
PHONE = "+15557770123"
SLACK_USER, SLACK_CHANNEL = "U0LEAKY91", "D0LEAKY91"
TEXT = f"{MARKER} my card is {CARD}, call me on {quote(PHONE)}"
NEVER_LOGGED = [MARKER, CARD, CARD.replace(" ", ""), PHONE[1:], SLACK_USER, SLACK_CHANNEL]
STALE = int(time.time()) - 600


@dataclass(frozen=True)
class Delivery:
    """One refused request: where it goes, what it carries, and the line we expect for it."""

    url: str
    body: bytes
    headers: Dict[str, str]
    status: int
    channel: str
    reason: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[RunningAssistant, Dict[str, str]]]:
    """The assistant with every channel and the Slack desk on, and its logs as they were at start."""
    model = train(REPO_ROOT / "models")
    desk_env = {
        "SLACK_DESK_CHANNEL": "C0AGENTS9",
        "SLACK_DESK_BOT_TOKEN": DESK_TOKEN,
        "SLACK_DESK_SIGNING_SECRET": DESK_SECRET,
    }
    with platform_fakes(SECRETS) as fakes, FakeSlackApi(DESK_TOKEN) as desk_slack:
        desk_env["SLACK_DESK_API_BASE_URL"] = desk_slack.api_url
        var_dir = tmp_path_factory.mktemp("private-logs")
        with assistant_with_channels(model, var_dir, SECRETS, fakes, desk_env) as running:
            yield running, {path.name: path.read_text(errors="replace") for path in var_dir.glob("*.log")}


def refused_deliveries(assistant: RunningAssistant) -> List[Delivery]:
    """Unsigned, forged and stale deliveries on every channel, each carrying `TEXT`."""
    slack_url = assistant.url + "/webhooks/slack/events"
    slack = payloads.slack_json_body(payloads.slack_message_event("EvLeak1", text=TEXT, channel=SLACK_CHANNEL, user=SLACK_USER))
    desk_url = assistant.processes.desk_url + "/desk/slack/events"
    telegram_url = assistant.url + "/webhooks/telegram/webhook"
    telegram = json.dumps(payloads.telegram_text_update(880001, 8800001, TEXT)).encode()
    sms_url = assistant.url + "/webhooks/sms/webhook"
    params = payloads.twilio_sms_params("SM" + "7" * 32, TEXT, from_number=PHONE, account_sid=SECRETS.account_sid)
    sms, signed = payloads.twilio_signed_request(SECRETS.auth_token, SECRETS.sms_public_url, params)
    _, forged = payloads.twilio_signed_request("not-the-auth-token", SECRETS.sms_public_url, params)
    _, elsewhere = payloads.twilio_signed_request(SECRETS.auth_token, "https://elsewhere.example/sms", params)
    json_type = {"Content-Type": "application/json"}
    telegram_header = "X-Telegram-Bot-Api-Secret-Token"
    return [
        Delivery(slack_url, slack, json_type, 401, "slack", "missing X-Slack-Signature"),
        Delivery(slack_url, slack, payloads.slack_signature_headers("forged-secret", slack), 401, "slack", "invalid X-Slack-Signature"),
        Delivery(slack_url, slack, payloads.slack_signature_headers(SECRETS.slack_secret, slack, STALE), 401, "slack", "stale X-Slack-Request-Timestamp"),
        Delivery(desk_url, slack, json_type, 401, "slack desk", "missing X-Slack-Signature"),
        Delivery(desk_url, slack, payloads.slack_signature_headers("forged-secret", slack), 401, "slack desk", "invalid X-Slack-Signature"),
        Delivery(desk_url, slack, payloads.slack_signature_headers(DESK_SECRET, slack, STALE), 401, "slack desk", "stale X-Slack-Request-Timestamp"),
        Delivery(telegram_url, telegram, json_type, 403, "telegram", f"missing or wrong {telegram_header}"),
        Delivery(telegram_url, telegram, {**json_type, telegram_header: "forged"}, 403, "telegram", f"missing or wrong {telegram_header}"),
        Delivery(sms_url, sms, {"Content-Type": signed["Content-Type"]}, 403, "sms", "missing X-Twilio-Signature"),
        Delivery(sms_url, sms, forged, 403, "sms", "invalid X-Twilio-Signature"),
        Delivery(sms_url, sms, elsewhere, 403, "sms", "invalid X-Twilio-Signature"),
    ]


def all_files(folder: Path) -> Dict[str, str]:
    """Every file under `folder` (logs, databases, generated config) as text."""
    return {str(path): path.read_bytes().decode("utf-8", errors="replace") for path in folder.rglob("*") if path.is_file()}


def test_a_clean_start_writes_no_warning_and_no_traceback(run: Tuple[RunningAssistant, Dict[str, str]]) -> None:
    _, at_start = run

    noisy = {name: line for name, text in at_start.items() for line in text.splitlines()
             if re.search(r"warn|traceback|error", line, re.IGNORECASE)}
    assert set(at_start) == {"rasa_server.log", "desk.log", "review_app.log"}
    assert noisy == {}


def test_refused_deliveries_are_one_line_each_without_what_they_carried(
    run: Tuple[RunningAssistant, Dict[str, str]]
) -> None:
    assistant, _ = run
    deliveries = refused_deliveries(assistant)

    statuses = [httpx.post(d.url, content=d.body, headers=d.headers, timeout=30).status_code for d in deliveries]
    encoded_path = httpx.get(f"{assistant.url}/conversations/{quote('sms:' + PHONE, safe='')}/tracker", timeout=30)

    assert statuses == [d.status for d in deliveries]
    assert encoded_path.status_code == 401
    files = all_files(assistant.var_dir)
    leaks = {(path, secret) for path, text in files.items() for secret in NEVER_LOGGED if secret in text}
    assert leaks == set()
    assert all(quote(PHONE) not in text for text in files.values())
    refused = [line for text in files.values() for line in text.splitlines() if "Refused a " in line]
    assert len(refused) == len(deliveries)
    for delivery in deliveries:
        expected = (f"Refused a {delivery.channel} request ({delivery.status}): {delivery.reason}",
                    f"from 127.0.0.1, {len(delivery.body)} bytes")
        assert any(expected[0] in line and line.endswith(expected[1]) for line in refused), expected
    assert not any("Traceback" in text for text in files.values())
