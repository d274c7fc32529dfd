"""No customer text and no phone number in any log at default levels: a marker sent through the
REST channel and the Telegram adapter, also down the paths where Rasa logs the customer's words
(the customer gives up waiting; Redis is away and the message is refused), never reaches a log."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import List

import httpx
import pytest

from tests.fakes import payloads
from tests.fakes.channel_assistant import PlatformSecrets
from tests.scaleout.cluster import GATEWAY_TIMEOUT_SECONDS, Cluster

pytestmark = pytest.mark.slow

MARKER = "quokka4417private"
PHONE = "+447700900123"
PHONE_DIGITS = "7700900123"


def every_log(cluster: Cluster) -> List[Path]:
    """The servers' logs: Rasa instances (running the actions), PostgreSQL and Redis."""
    return [*cluster.log_files(), cluster.postgres.data_dir / "server.log", cluster.redis.dir / "server.log"]


def test_customer_text_and_phone_numbers_stay_out_of_every_log(cluster: Cluster) -> None:
    cluster.say(0, PHONE, f"hello, I am {MARKER}")
    cluster.say(1, PHONE, f"what is your returns policy, {MARKER}?")
    update = payloads.telegram_text_update(9201, 7702, f"hi from {MARKER}")
    telegram = httpx.post(
        f"{cluster.url(1)}/webhooks/telegram/webhook", content=json.dumps(update).encode(), timeout=60,
        headers={"Content-Type": "application/json",
                 "X-Telegram-Bot-Api-Secret-Token": PlatformSecrets().telegram_secret},
    )
    assert telegram.status_code == 200

    cluster.set_action_fault("hang")
    try:
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"{cluster.url(0)}/webhooks/rest/webhook", timeout=0.5,
                       json={"sender": PHONE, "message": f"what does the warranty cover {MARKER}"})
        time.sleep(GATEWAY_TIMEOUT_SECONDS + 1)
    finally:
        cluster.set_action_fault("")
    cluster.redis.stop()
    try:
        assert cluster.say(1, PHONE, f"are you there {MARKER}") == []
    finally:
        cluster.redis.start()
    time.sleep(1)

    stored = " ".join(str(event.get("text")) for event in cluster.tracker_events(PHONE) if event["event"] == "user")
    assert MARKER in stored
    logs = {path.name: path.read_text(encoding="utf-8", errors="replace") for path in every_log(cluster)}
    rasa_logs = logs["rasa-0.log"] + logs["rasa-1.log"]
    assert "rest.message.received.timeout" in rasa_logs and "rest.message.received.failure" in rasa_logs
    leaks = {name: [needle for needle in (MARKER, PHONE_DIGITS) if needle in text] for name, text in logs.items()}
    assert {name: found for name, found in leaks.items() if found} == {}
