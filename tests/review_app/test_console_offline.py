"""The console when the assistant cannot be reached or refuses the desk's token."""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from starlette.testclient import TestClient

from bot.handoff.store import HandoffStore
from tests.builders import ManualClock
from tests.review_app.fake_rasa_api import FakeRasaApi
from tests.review_app.sample_conversations import TrackerDatabase, frustrated_conversation, open_handoff
from tests.review_app.web_client import log_in, submit


def test_unreachable_assistant_shows_the_stored_transcript_and_keeps_the_handoff(
        client: TestClient, handoffs: HandoffStore, clock: ManualClock) -> None:
    handoff = open_handoff(handoffs, "cust-1", frustrated_conversation(clock.now))
    log_in(client, "adam")
    page = client.get(f"/console/{handoff.id}").text
    assert "could not be reached" in page and len(re.findall(r'data-role="', page)) == 4
    submit(client, "/console", f"/console/{handoff.id}/reply", {"text": "hello"})
    assert "The reply could not be delivered" in client.get(f"/console/{handoff.id}").text
    submit(client, "/console", f"/console/{handoff.id}/resolve")
    assert "could not take the conversation back; it is still open" in client.get(f"/console/{handoff.id}").text
    stored = handoffs.get(handoff.id)
    assert stored.first_human_reply_at is None and stored.status == "claimed"


@pytest.fixture
def wrong_token_rasa(tracker_db: TrackerDatabase) -> Iterator[FakeRasaApi]:
    """A Rasa server that expects a different token than the app has."""
    with FakeRasaApi("another-token", tracker_db) as fake:
        yield fake


@pytest.fixture
def rasa_url(wrong_token_rasa: FakeRasaApi) -> str:
    """The app talks to the refusing server."""
    return wrong_token_rasa.url


def test_a_refused_token_is_reported_and_nothing_is_recorded(client: TestClient, handoffs: HandoffStore,
                                                             clock: ManualClock) -> None:
    handoff = open_handoff(handoffs, "cust-1", frustrated_conversation(clock.now))
    log_in(client, "adam")
    submit(client, "/console", f"/console/{handoff.id}/reply", {"text": "hello"})
    assert "The reply could not be delivered" in client.get(f"/console/{handoff.id}").text
    assert handoffs.get(handoff.id).first_human_reply_at is None
