"""Two Rasa instances on one PostgreSQL and one Redis: messages for the same conversations sent
alternately, and at the same moment, to both; each is processed exactly once, in order, with
complete turns. Platform re-deliveries to different instances still make one turn."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List

import httpx
import pytest

from tests.fakes import payloads
from tests.fakes.channel_assistant import PlatformSecrets
from tests.fakes.telegram_api import FakeTelegramApi
from tests.scaleout.cluster import Cluster, run_in_parallel

pytestmark = pytest.mark.slow

SECRETS = PlatformSecrets()

CONVERSATIONS = 12
# Answered by responses and by custom actions (through the action gateway), never a handoff.
MESSAGES = [
    "hello",
    "which payment methods do you accept?",
    "what delivery options do you have?",
    "what is your returns policy?",
    "how can I contact you?",
    "how do I reset my password?",
    "I need an invoice for my last order",
    "are you a bot?",
]
SEQUENTIAL = 2
BURST = 3


def turns(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The conversation cut into turns: each customer message with the bot's actions and replies."""
    found: List[Dict[str, Any]] = []
    for event in events:
        if event["event"] == "user":
            found.append({"text": event.get("text"), "actions": [], "replies": 0})
        elif found and event["event"] == "action":
            found[-1]["actions"].append(event["name"])
        elif found and event["event"] == "bot":
            found[-1]["replies"] += 1
    return found


def broken_turns(events: List[Dict[str, Any]]) -> List[str]:
    """Turns that did not end with the bot replying and listening again (interleaved or lost)."""
    return [
        str(turn["text"]) for turn in turns(events)
        if turn["replies"] == 0 or not turn["actions"] or turn["actions"][-1] != "action_listen"
    ]


def bursts() -> List[List[str]]:
    """The messages sent several at a time, after the sequential ones."""
    return [MESSAGES[i:i + BURST] for i in range(SEQUENTIAL, len(MESSAGES), BURST)]


def converse(cluster: Cluster, sender: str) -> None:
    """One customer: first messages one after another, alternating instances; then bursts of
    messages sent at the same moment, alternately to both instances."""
    for number, text in enumerate(MESSAGES[:SEQUENTIAL]):
        assert cluster.say(number % 2, sender, text), f"no reply to {text!r}"
    for burst in bursts():
        results = run_in_parallel([
            lambda i=index, t=text: cluster.say(i % 2, sender, t) for index, text in enumerate(burst)
        ])
        failures = [result for result in results if isinstance(result, Exception)]
        assert not failures, failures


def conversation_problems(events: List[Dict[str, Any]]) -> List[str]:
    """Everything wrong with one stored conversation: lost, duplicated, reordered, interleaved."""
    stored = [str(turn["text"]) for turn in turns(events)]
    problems = []
    lost = [text for text in MESSAGES if text not in stored]
    duplicated = sorted({text for text in stored if stored.count(text) > 1})
    if lost:
        problems.append(f"lost turns {lost}")
    if duplicated:
        problems.append(f"duplicated turns {duplicated}")
    if not lost and not duplicated:
        if stored[:SEQUENTIAL] != MESSAGES[:SEQUENTIAL]:
            problems.append(f"out of order {stored}")
        stored_bursts = [sorted(stored[i:i + BURST]) for i in range(SEQUENTIAL, len(stored), BURST)]
        if stored_bursts != [sorted(burst) for burst in bursts()]:
            problems.append(f"bursts mixed up {stored}")
    if broken_turns(events):
        problems.append(f"interleaved or unanswered turns {broken_turns(events)}")
    timestamps = [event["timestamp"] for event in events]
    if timestamps != sorted(timestamps):
        problems.append("events stored out of time order")
    return problems


def test_concurrent_messages_across_instances_are_each_processed_once_in_order(cluster: Cluster) -> None:
    senders = [f"scale-{number}" for number in range(CONVERSATIONS)]
    started = time.monotonic()
    outcomes = run_in_parallel([lambda s=sender: converse(cluster, s) for sender in senders])
    elapsed = time.monotonic() - started
    failed_requests = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]

    problems = {sender: conversation_problems(cluster.tracker_events(sender, index=1)) for sender in senders}
    problems = {sender: found for sender, found in problems.items() if found}
    print(f"\n{CONVERSATIONS * len(MESSAGES)} messages through 2 instances in {elapsed:.1f} s; "
          f"{len(problems)} of {CONVERSATIONS} conversations damaged; {len(failed_requests)} requests failed")
    assert problems == {}
    assert failed_requests == []


def deliver_like_telegram(url: str, body: bytes, headers: Dict[str, str]) -> int:
    """POST a webhook, retrying on 5xx (a store unavailable just after a restart) as Telegram does."""
    for _ in range(5):
        status = httpx.post(url, content=body, headers=headers, timeout=60).status_code
        if status < 500:
            return status
        time.sleep(0.5)
    return status


def test_a_telegram_update_delivered_to_both_instances_makes_one_turn(
    cluster: Cluster, telegram_api: FakeTelegramApi
) -> None:
    body = json.dumps(payloads.telegram_text_update(9101, 7701, "hello")).encode()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRETS.telegram_secret}

    statuses = run_in_parallel([
        lambda i=index: deliver_like_telegram(f"{cluster.url(i % 2)}/webhooks/telegram/webhook", body, headers)
        for index in range(4)
    ])

    assert statuses == [200] * 4
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not [m for m in telegram_api.sent_messages() if m["chat_id"] == "7701"]:
        time.sleep(0.2)
    events = cluster.tracker_events("telegram:7701")
    assert [turn["text"] for turn in turns(events)] == ["hello"]
    assert len([m for m in telegram_api.sent_messages() if m["chat_id"] == "7701"]) == 1
