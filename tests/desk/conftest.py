"""Desk fixtures: the handoff store on the test database and a fake Rasa HTTP API on loopback
that keeps conversations in a real Rasa tracker store.

Rasa is imported inside fixtures: warnings raised while pytest loads a conftest escape the
configured filters.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest
from sqlalchemy.engine import Engine

from bot.handoff.store import HandoffStore
from tests.builders import ManualClock

if TYPE_CHECKING:
    from tests.review_app.fake_rasa_api import FakeRasaApi
    from tests.review_app.sample_conversations import TrackerDatabase

API_TOKEN = "desk-test-token"


@pytest.fixture
def store(engine: Engine, clock: ManualClock) -> HandoffStore:
    """The handoff store the desk works on."""
    return HandoffStore(engine, clock)


@pytest.fixture
def tracker_db(tmp_path: Path) -> Iterator["TrackerDatabase"]:
    """A real Rasa SQL tracker store for this test."""
    from tests.review_app.sample_conversations import TrackerDatabase

    tracker = TrackerDatabase(tmp_path / "tracker.db")
    yield tracker
    tracker.close()


@pytest.fixture
def fake_rasa(tracker_db: "TrackerDatabase") -> Iterator["FakeRasaApi"]:
    """The Rasa HTTP API the desk calls, faked on loopback over the test's tracker store."""
    from tests.review_app.fake_rasa_api import FakeRasaApi

    with FakeRasaApi(API_TOKEN, tracker_db) as fake:
        yield fake
