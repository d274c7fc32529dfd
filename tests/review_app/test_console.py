"""The agent console through the real app and `DeskService`, against a fake Rasa HTTP API on loopback."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from typing import Callable, List, Optional

import pytest
from starlette.testclient import TestClient

from bot.handoff.store import CLAIMED, OPEN, RESOLVED, Handoff, HandoffStore
from desk.service import MAX_REPLY_CHARACTERS
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


def test_a_double_click_on_resolve_brings_the_bot_back_once(agent: TestClient, waiting: List[Handoff],
                                                            fake_rasa: FakeRasaApi, handoffs: HandoffStore) -> None:
    """Two POSTs of the resolve form at the same moment: one resolves, the other is told it is done."""
    handoff_id = waiting[0].id
    submit(agent, "/console", f"/console/{handoff_id}/claim")
    token = csrf_from(agent.get(f"/console/{handoff_id}").text)
    fake_rasa.add_listener(lambda request: time.sleep(0.2))  # a slow Rasa: the two clicks overlap
    start = threading.Barrier(2)
    answers: List[str] = []

    def click() -> None:
        start.wait()
        answer = agent.post(f"/console/{handoff_id}/resolve", data={"note": "", "csrf_token": token},
                            follow_redirects=False)
        answers.append(answer.headers["location"])

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == ["/console", f"/console/{handoff_id}"]
    assert len(fake_rasa.calls("/conversations/cust-1/execute")) == 1
    posted = [event for request in fake_rasa.calls("/conversations/cust-1/tracker/events") for event in request.json()]
    assert posted.count({"event": "resume"}) == 1
    assert agent.get(f"/console/{handoff_id}").text.count(BOT_BACK_TEXT.replace("'", "&#39;")) == 1
    assert handoffs.get(handoff_id).status == RESOLVED


def test_a_resolve_the_assistant_fails_stays_open_and_can_be_retried(agent: TestClient, waiting: List[Handoff],
                                                                     fake_rasa: FakeRasaApi, handoffs: HandoffStore) -> None:
    handoff_id = waiting[0].id
    submit(agent, "/console", f"/console/{handoff_id}/claim")
    fake_rasa.fail_next(1, 500, {"status": "failure"}, path_contains="/execute")

    answer = submit(agent, f"/console/{handoff_id}", f"/console/{handoff_id}/resolve", {"note": "Parcel found."})

    assert answer.headers["location"] == f"/console/{handoff_id}"
    assert flashes(agent, f"/console/{handoff_id}") == [
        "The assistant could not take the conversation back; it is still open. Try again."]
    stored = handoffs.get(handoff_id)
    assert (stored.status, stored.claimed_by, stored.resolved_by) == (CLAIMED, "adam", None)
    submit(agent, f"/console/{handoff_id}", f"/console/{handoff_id}/resolve", {"note": "Parcel found."})
    assert handoffs.get(handoff_id).status == RESOLVED


@pytest.mark.parametrize("claimed_by", [None, "adam", "bea"], ids=["never-claimed", "was-mine", "was-bea's"])
def test_claiming_a_resolved_handoff_says_it_is_resolved(agent: TestClient, waiting: List[Handoff],
                                                         handoffs: HandoffStore, claimed_by: Optional[str]) -> None:
    handoff_id = waiting[0].id
    if claimed_by:
        handoffs.claim(handoff_id, claimed_by)
    handoffs.resolve(handoff_id, by=claimed_by or "customer")

    submit(agent, "/console", f"/console/{handoff_id}/claim")

    assert flashes(agent, f"/console/{handoff_id}") == [f"{handoff_id} is resolved; nothing to claim."]
    assert handoffs.get(handoff_id).claimed_by == claimed_by


def test_a_reply_over_the_limit_is_refused_and_nothing_is_sent(agent: TestClient, waiting: List[Handoff],
                                                               fake_rasa: FakeRasaApi, handoffs: HandoffStore) -> None:
    handoff_id = waiting[0].id

    submit(agent, "/console", f"/console/{handoff_id}/reply", {"text": "x" * 100_000})

    assert flashes(agent, f"/console/{handoff_id}") == [
        f"A reply can have at most {MAX_REPLY_CHARACTERS:,} characters and this one has 100,000; nothing was sent. "
        "Shorten it or send it as several replies."]
    assert fake_rasa.agent_messages("cust-1") == []
    assert handoffs.get(handoff_id).status == OPEN
    assert f'maxlength="{MAX_REPLY_CHARACTERS}"' in agent.get(f"/console/{handoff_id}").text


def test_a_form_too_large_to_read_gets_the_apps_page(agent: TestClient, waiting: List[Handoff],
                                                     fake_rasa: FakeRasaApi, handoffs: HandoffStore) -> None:
    handoff_id = waiting[0].id

    answer = submit(agent, "/console", f"/console/{handoff_id}/reply", {"text": "x" * 2_000_000})

    assert answer.status_code == 400 and answer.headers["content-type"].startswith("text/html")
    assert "<h1>Form not accepted</h1>" in answer.text
    assert f"A reply can have at most {MAX_REPLY_CHARACTERS:,} characters" in answer.text
    assert fake_rasa.agent_messages("cust-1") == [] and handoffs.get(handoff_id).status == OPEN
