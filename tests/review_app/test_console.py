"""The agent console through the real app and `DeskService`, against a fake Rasa HTTP API on loopback."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Callable, List

import pytest
from starlette.testclient import TestClient

from bot.handoff.store import CLAIMED, RESOLVED, Handoff, HandoffStore
from tests.builders import ManualClock
from tests.review_app.fake_rasa_api import BOT_BACK_TEXT, FakeRasaApi
from tests.review_app.sample_conversations import TrackerDatabase, frustrated_conversation, open_handoff
from tests.review_app.web_client import csrf_from, log_in, submit


@pytest.fixture
def rasa_url(fake_rasa: FakeRasaApi) -> str:
    """The app talks to the fake Rasa server."""
    return fake_rasa.url


@pytest.fixture
def waiting(handoffs: HandoffStore, clock: ManualClock, tracker_db: TrackerDatabase) -> List[Handoff]:
    """Two customers handed over ten minutes apart, their conversations in the tracker store."""
    made = []
    for index, sender in enumerate(("cust-1", "cust-2")):
        clock.now = clock.now + timedelta(minutes=10 * index)
        events = frustrated_conversation(clock.now, channel="telegram")
        tracker_db.add(sender, events)
        made.append(open_handoff(handoffs, sender, events, channel="telegram"))
    return made


@pytest.fixture
def agent(client: TestClient) -> TestClient:
    """Logged in as agent adam."""
    log_in(client, "adam")
    return client


def flashes(client: TestClient, page: str) -> List[str]:
    """The one-off messages shown on `page`."""
    return re.findall(r'<p class="flash \w+" role="status">([^<]*)</p>', client.get(page).text)


def test_queue_is_oldest_first(agent: TestClient, waiting: List[Handoff]) -> None:
    page = agent.get("/console").text
    assert page.index(waiting[0].id) < page.index(waiting[1].id)
    assert page.count("nobody yet") == 2
    assert page.count("<td>frustrated</td>") == 2


def test_claim_then_the_other_agent_is_told_who_has_it(agent: TestClient, make_client: Callable[[], TestClient],
                                                        waiting: List[Handoff], handoffs: HandoffStore) -> None:
    handoff_id = waiting[0].id
    answer = submit(agent, "/console", f"/console/{handoff_id}/claim")
    assert answer.headers["location"] == f"/console/{handoff_id}"
    assert flashes(agent, f"/console/{handoff_id}") == [f"You have {handoff_id}. The customer is waiting for your reply."]
    other = make_client()
    log_in(other, "bea")
    submit(other, "/console", f"/console/{handoff_id}/claim")
    assert flashes(other, f"/console/{handoff_id}") == [f"{handoff_id} is already being handled by adam."]
    assert 'id="reply-form"' not in other.get(f"/console/{handoff_id}").text
    assert handoffs.get(handoff_id).claimed_by == "adam"


def test_two_agents_claiming_at_once_one_wins(agent: TestClient, make_client: Callable[[], TestClient],
                                              waiting: List[Handoff], handoffs: HandoffStore) -> None:
    handoff_id = waiting[0].id
    other = make_client()
    log_in(other, "bea")
    tokens = {id(client): csrf_from(client.get("/console").text) for client in (agent, other)}
    start = threading.Barrier(2)

    def claim(client: TestClient) -> None:
        start.wait()
        client.post(f"/console/{handoff_id}/claim", data={"csrf_token": tokens[id(client)]}, follow_redirects=False)

    threads = [threading.Thread(target=claim, args=(client,)) for client in (agent, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winner = handoffs.get(handoff_id).claimed_by
    assert winner in ("adam", "bea")
    messages = flashes(agent, "/console") + flashes(other, "/console")
    assert sorted(messages) == sorted([
        f"You have {handoff_id}. The customer is waiting for your reply.",
        f"{handoff_id} is already being handled by {winner}.",
    ])


def test_reply_reaches_the_conversation_and_starts_the_clock(agent: TestClient, waiting: List[Handoff],
                                                             fake_rasa: FakeRasaApi, handoffs: HandoffStore,
                                                             clock: ManualClock) -> None:
    handoff_id = waiting[0].id
    clock.now = waiting[0].created_at + timedelta(minutes=3)
    submit(agent, "/console", f"/console/{handoff_id}/reply", {"text": "  Hi, Adam here. Let me check.  "})
    assert fake_rasa.agent_messages("cust-1") == [
        {"event": "bot", "text": "Hi, Adam here. Let me check.", "metadata": {"agent": "adam"}}
    ]
    stored = handoffs.get(handoff_id)
    assert stored.status == CLAIMED and stored.claimed_by == "adam" and stored.seconds_to_human == 180.0
    page = agent.get(f"/console/{handoff_id}").text
    assert "Reply sent to the customer." in page
    assert re.findall(r'data-role="(\w+)"', page)[-1] == "agent" and "Hi, Adam here. Let me check." in page


def test_empty_reply_is_refused_with_a_message(agent: TestClient, waiting: List[Handoff], fake_rasa: FakeRasaApi) -> None:
    handoff_id = waiting[0].id
    submit(agent, "/console", f"/console/{handoff_id}/reply", {"text": "   "})
    assert flashes(agent, f"/console/{handoff_id}") == ["A reply needs some text."]
    assert fake_rasa.agent_messages("cust-1") == []


def test_an_agent_cannot_reply_on_someone_elses_handoff(agent: TestClient, waiting: List[Handoff],
                                                        handoffs: HandoffStore, fake_rasa: FakeRasaApi) -> None:
    handoffs.claim(waiting[0].id, "bea")
    submit(agent, "/console", f"/console/{waiting[0].id}/reply", {"text": "hello"})
    assert flashes(agent, f"/console/{waiting[0].id}") == [f"Handoff {waiting[0].id} is being handled by bea."]
    assert fake_rasa.agent_messages("cust-1") == []


def test_resolve_gives_the_conversation_back_to_the_bot(agent: TestClient, waiting: List[Handoff],
                                                        fake_rasa: FakeRasaApi, handoffs: HandoffStore) -> None:
    handoff_id = waiting[0].id
    submit(agent, "/console", f"/console/{handoff_id}/claim")
    answer = submit(agent, f"/console/{handoff_id}", f"/console/{handoff_id}/resolve", {"note": "Parcel found."})
    assert answer.headers["location"] == "/console"
    stored = handoffs.get(handoff_id)
    assert stored.status == RESOLVED and stored.resolved_by == "adam" and stored.resolution_note == "Parcel found."
    posted = [request.json() for request in fake_rasa.calls("/conversations/cust-1/tracker/events")]
    assert [{"event": "resume"}] in posted
    assert fake_rasa.calls("/conversations/cust-1/execute")[0].json() == {"name": "action_bot_back"}
    queue = agent.get("/console").text
    assert f"{handoff_id} resolved; the bot has the conversation again." in queue
    assert handoff_id not in queue.split("</p>", 1)[-1].split('id="queue"')[1]
    assert BOT_BACK_TEXT.replace("'", "&#39;") in agent.get(f"/console/{handoff_id}").text
    submit(agent, "/console", f"/console/{handoff_id}/resolve")
    assert flashes(agent, f"/console/{handoff_id}") == [f"Handoff {handoff_id} is already resolved."]


def test_an_agent_cannot_resolve_someone_elses_handoff(agent: TestClient, waiting: List[Handoff],
                                                       handoffs: HandoffStore, fake_rasa: FakeRasaApi) -> None:
    """A stale console page (opened before bea claimed) must not end bea's conversation."""
    handoff_id = waiting[0].id
    page = agent.get(f"/console/{handoff_id}")
    handoffs.claim(handoff_id, "bea")
    answer = agent.post(f"/console/{handoff_id}/resolve", data={"note": "", "csrf_token": csrf_from(page.text)},
                        follow_redirects=False)
    assert answer.status_code == 303
    assert flashes(agent, f"/console/{handoff_id}") == [f"Handoff {handoff_id} is being handled by bea."]
    stored = handoffs.get(handoff_id)
    assert stored.status == CLAIMED and stored.claimed_by == "bea" and stored.resolved_by is None
    assert fake_rasa.calls("/conversations/cust-1/tracker/events") == []


def test_unknown_handoff_in_the_console(agent: TestClient) -> None:
    assert agent.get("/console/H-NOTHERE").status_code == 404
    submit(agent, "/console", "/console/H-NOTHERE/claim")
    assert flashes(agent, "/console") == ["There is no handoff H-NOTHERE."]
