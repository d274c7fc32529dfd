"""The agents' Slack desk (`build_slack_desk_app`) through bolt: button presses on a fake Slack
Web API, the desk on the test database."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any, List, Tuple
from urllib.parse import urlencode

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.handoff.store import CLAIMED, Handoff, HandoffStore
from bot.server.rasa_http_api import RasaHttpApi
from desk.service import DeskService
from desk.slack_desk import ASSISTANT_DOWN_NOTE, CLAIM_ACTION, RESOLVE_ACTION, SlackDeskSettings, build_slack_desk_app
from tests.fakes.slack_api import FakeSlackApi
from tests.review_app.sample_conversations import frustrated_conversation, open_handoff

TOKEN = "xoxb-desk-test"
NOWHERE = "http://127.0.0.1:9"  # no assistant answers here


class RecordingBoard:
    """Stands in for SlackDeskBoard: keeps the notes the app would post to the agents' channel."""

    def __init__(self) -> None:
        """Nothing posted yet."""
        self.notes: List[Tuple[str, str]] = []
        self.closed: List[str] = []

    async def post_note(self, handoff: Handoff, text: str, broadcast: bool = False) -> None:
        """Record a note about `handoff`."""
        self.notes.append((handoff.id, text))

    async def post_claimed(self, handoff: Handoff) -> None:
        """Record a claim."""
        self.notes.append((handoff.id, "claimed"))

    async def post_closed(self, handoff: Handoff) -> None:
        """Record a close."""
        self.closed.append(handoff.id)


def press(store: HandoffStore, action_id: str, handoff_id: str, rasa_url: str) -> RecordingBoard:
    """Agent U1 presses a desk button on handoff `handoff_id`; the notes the desk posted."""
    board = RecordingBoard()

    async def dispatch() -> None:
        with FakeSlackApi(TOKEN) as slack:
            settings = SlackDeskSettings(TOKEN, "secret", "C-DESK", slack.api_url)
            desk = DeskService(store, RasaHttpApi(rasa_url, "token"))
            app = build_slack_desk_app(settings, desk, board)  # type: ignore[arg-type]
            payload = {
                "type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}, "channel": {"id": "C-DESK"},
                "actions": [{"action_id": action_id, "value": handoff_id, "type": "button"}],
            }
            request = AsyncBoltRequest(
                body=urlencode({"payload": json.dumps(payload)}),
                headers={"content-type": ["application/x-www-form-urlencoded"]},
            )
            response = await app.async_dispatch(request)
            assert response.status == 200
            for _ in range(100):
                if board.notes or board.closed:
                    break
                await asyncio.sleep(0.05)
            await desk.conversations.close()

    asyncio.run(dispatch())
    return board


@pytest.fixture
def handoff(store: HandoffStore) -> Handoff:
    """One waiting customer."""
    events = frustrated_conversation(datetime(2026, 11, 25, 12, tzinfo=timezone.utc))
    return open_handoff(store, "cust-slack", events)


def test_claiming_a_resolved_handoff_says_it_is_resolved(store: HandoffStore, handoff: Handoff) -> None:
    store.claim(handoff.id, "U2")
    store.resolve(handoff.id, by="U2")

    board = press(store, CLAIM_ACTION, handoff.id, NOWHERE)

    assert board.notes == [(handoff.id, f"<@U1>: {handoff.id} is resolved; nothing to claim.")]


def test_a_resolve_the_assistant_cannot_carry_out_is_reported_and_changes_nothing(
    store: HandoffStore, handoff: Handoff
) -> None:
    store.claim(handoff.id, "U1")

    board = press(store, RESOLVE_ACTION, handoff.id, NOWHERE)

    assert board.notes == [(handoff.id, f"<@U1>: {ASSISTANT_DOWN_NOTE}")]
    assert board.closed == []
    assert store.get(handoff.id).status == CLAIMED
