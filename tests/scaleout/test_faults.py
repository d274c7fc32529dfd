"""Faults on the running cluster, each with what the customer sees and what is stored: the custom
actions raising or hanging (in process and in a separate action server), the separate action
server down or frozen, a Rasa instance killed, PostgreSQL and Redis restarted, the tracker store
falling back to memory (loudly), and bad requests at the REST webhook."""

from __future__ import annotations

import signal
import time
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Tuple

import httpx
import pytest

from bot.handoff.store import Handoff, HandoffStore
from bot.records.database import create_database_engine
from tests.scaleout.cluster import FALLBACK_WINDOW_SECONDS, GATEWAY_TIMEOUT_SECONDS, Cluster
from tests.scaleout.test_multi_instance import turns

pytestmark = pytest.mark.slow

UNAVAILABLE = "one of our systems isn't answering"
# Answered by the custom action `action_answer_policy`; different wording each time, because a
# customer repeating the same question is a frustration signal that hands off by design.
POLICY_QUESTION = "what is your returns policy?"
WARRANTY_QUESTION = "what does the warranty cover?"
PRIVACY_QUESTION = "what is your privacy policy?"


def texts(replies: List[Dict[str, Any]]) -> str:
    """All reply texts as one string."""
    return " ".join(str(reply.get("text", "")) for reply in replies)


def active_handoff(cluster: Cluster, sender: str) -> Optional[Handoff]:
    """The open or claimed handoff of a conversation, read straight from the project database."""
    engine = create_database_engine(cluster.project_db_url)
    try:
        return HandoffStore(engine).active_for_conversation(sender)
    finally:
        engine.dispose()


def readiness(cluster: Cluster, index: int) -> httpx.Response:
    """Instance `index`'s readiness answer."""
    return httpx.get(f"{cluster.url(index)}/webhooks/health/ready", timeout=30)


def cluster_for(request: pytest.FixtureRequest, mode: str) -> Cluster:
    """The cluster running the actions in `mode`: "in_process" (the shared one) or "separate"."""
    return request.getfixturevalue("cluster" if mode == "in_process" else "separate_actions_cluster")


@contextmanager
def actions_failing(cluster: Cluster, fault: str) -> Iterator[None]:
    """The actions raising or hanging ("raise", "hang": their code), or the separate action server
    stopped or frozen ("down", "sigstop"), for the block; then back to normal and answering."""
    if fault == "down":
        assert cluster.actions is not None
        cluster.actions.stop()
    elif fault == "sigstop":
        assert cluster.actions is not None
        cluster.actions.signal(signal.SIGSTOP)
    else:
        cluster.set_action_fault(fault)
    try:
        yield
    finally:
        if fault == "down":
            cluster.start_actions()
        elif fault == "sigstop":
            assert cluster.actions is not None
            cluster.actions.signal(signal.SIGCONT)
        cluster.set_action_fault("")
        cluster.wait_for_actions()


def timed_say(cluster: Cluster, index: int, sender: str, text: str) -> Tuple[str, float]:
    """The reply texts to one message and the seconds the customer waited for them."""
    started = time.monotonic()
    replies = cluster.say(index, sender, text, timeout=60)
    return texts(replies), time.monotonic() - started


FAILING = [("in_process", "raise"), ("separate", "raise"), ("separate", "down")]
HANGING = [("in_process", "hang"), ("separate", "hang"), ("separate", "sigstop")]


@pytest.mark.parametrize("mode, fault", FAILING)
def test_failing_actions_get_an_honest_reply_and_the_conversation_continues(
    request: pytest.FixtureRequest, mode: str, fault: str
) -> None:
    cluster = cluster_for(request, mode)
    sender, last = f"fault-once-{mode}-{fault}", len(cluster.instances) - 1
    assert "return" in texts(cluster.say(0, sender, POLICY_QUESTION)).lower()
    with actions_failing(cluster, fault):
        reply, waited = timed_say(cluster, last, sender, WARRANTY_QUESTION)
    assert UNAVAILABLE in reply
    assert waited < GATEWAY_TIMEOUT_SECONDS + 5

    assert "privacy" in texts(cluster.say(0, sender, PRIVACY_QUESTION)).lower()
    assert active_handoff(cluster, sender) is None


@pytest.mark.parametrize("mode, fault", FAILING)
def test_actions_failing_for_a_while_still_get_the_customer_a_person(
    request: pytest.FixtureRequest, mode: str, fault: str
) -> None:
    cluster = cluster_for(request, mode)
    sender, last = f"fault-gone-{mode}-{fault}", len(cluster.instances) - 1
    with actions_failing(cluster, fault):
        assert UNAVAILABLE in texts(cluster.say(0, sender, WARRANTY_QUESTION))
        second = texts(cluster.say(last, sender, PRIVACY_QUESTION))
        handoff = active_handoff(cluster, sender)
        assert handoff is not None and handoff.reason == "assistant_unavailable"
        assert second and UNAVAILABLE not in second
        assert cluster.say(0, sender, "hello?") == []


@pytest.mark.parametrize("mode, fault", HANGING)
def test_hanging_actions_cost_the_customer_seconds_not_minutes(
    request: pytest.FixtureRequest, mode: str, fault: str
) -> None:
    cluster = cluster_for(request, mode)
    with actions_failing(cluster, fault):
        reply, waited = timed_say(cluster, 0, f"fault-hang-{mode}-{fault}", POLICY_QUESTION)

    assert UNAVAILABLE in reply
    assert waited < GATEWAY_TIMEOUT_SECONDS + 5
    assert "return" in texts(cluster.say(0, f"fault-after-hang-{mode}-{fault}", POLICY_QUESTION)).lower()


def test_a_killed_instance_loses_nothing_and_open_handoffs_survive(cluster: Cluster) -> None:
    sender, waiting = "fault-kill", "fault-kill-handoff"
    cluster.say(0, sender, "hello")
    cluster.say(0, sender, "which payment methods do you accept?")
    cluster.say(0, waiting, "I want to talk to a person")
    handoff = active_handoff(cluster, waiting)
    assert handoff is not None

    cluster.instances[0].stop(kill=True)
    assert cluster.say(1, sender, "what delivery options do you have?")
    cluster.start_instance(0)

    assert cluster.say(0, sender, "how can I contact you?")
    stored = [turn["text"] for turn in turns(cluster.tracker_events(sender, index=0))]
    assert stored == [
        "hello", "which payment methods do you accept?", "what delivery options do you have?",
        "how can I contact you?",
    ]
    survivor = active_handoff(cluster, waiting)
    assert survivor is not None and survivor.id == handoff.id
    assert cluster.say(0, waiting, "hello? anyone?") == []


@pytest.mark.parametrize("service", ["postgres", "redis"])
def test_a_database_restart_needs_no_manual_step(cluster: Cluster, service: str) -> None:
    sender = f"fault-restart-{service}"
    cluster.say(0, sender, "hello")
    getattr(cluster, service).restart()

    assert cluster.say(1, sender, "which payment methods do you accept?")
    assert cluster.say(0, sender, POLICY_QUESTION)
    assert len(turns(cluster.tracker_events(sender))) == 3
    assert [readiness(cluster, index).status_code for index in (0, 1)] == [200, 200]


def test_a_tracker_store_fallback_is_loud_not_silent(cluster: Cluster) -> None:
    sender = "fault-fallback"
    cluster.say(0, sender, "hello")
    cluster.postgres.stop()
    try:
        cluster.say(0, sender, "which payment methods do you accept?")
        during = readiness(cluster, 0)
    finally:
        cluster.postgres.start()

    assert during.status_code == 503
    checks = during.json()["checks"]
    assert not checks["tracker_store_fallbacks"]["ok"]
    assert "fallback" in checks["tracker_store_fallbacks"]["detail"]
    assert "tracker_store.failure" in (cluster.run_dir / "rasa-0.log").read_text(encoding="utf-8")
    assert [turn["text"] for turn in turns(cluster.tracker_events(sender))] == ["hello"]
    time.sleep(FALLBACK_WINDOW_SECONDS)
    assert readiness(cluster, 0).status_code == 200


BAD_REQUESTS = {
    "malformed": (b'{"sender": "bad-1", "message": ', "application/json", 400),
    "invalid-utf8": (b'{"sender": "bad-2", "message": "\xff\xfe hi"}', "application/json", 400),
    "not-an-object": (b'[1, 2]', "application/json", 400),
    "no-message": (b'{"sender": "bad-4"}', "application/json", 400),
    "message-not-text": (b'{"sender": "bad-5", "message": {"text": "hi"}}', "application/json", 400),
    "no-sender": (b'{"message": "hi"}', "application/json", 400),
    "text-plain": (b'{"sender": "bad-7", "message": "hi"}', "text/plain", 415),
    "form": (b"sender=bad-8&message=hi", "application/x-www-form-urlencoded", 415),
    "huge": (b'{"sender": "bad-9", "message": "' + b"a" * 300_000 + b'"}', "application/json", 413),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_bad_requests_at_the_rest_webhook_get_4xx_and_store_nothing(cluster: Cluster, case: str) -> None:
    body, content_type, status = BAD_REQUESTS[case]
    response = httpx.post(
        f"{cluster.url(0)}/webhooks/rest/webhook", content=body, headers={"Content-Type": content_type}, timeout=60
    )

    assert response.status_code == status
    assert "error" in response.json()
    for sender in [f"bad-{number}" for number in range(1, 10)]:
        assert turns(cluster.tracker_events(sender)) == []
    assert cluster.say(1, "fault-after-bad-input", "hello")
