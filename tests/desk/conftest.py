"""Desk fixtures: the handoff store on the test database (the fake Rasa HTTP API, `fake_rasa`, is
in tests/conftest.py, shared with the review app's tests)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bot.handoff.store import HandoffStore
from tests.builders import ManualClock


@pytest.fixture
def store(engine: Engine, clock: ManualClock) -> HandoffStore:
    """The handoff store the desk works on."""
    return HandoffStore(engine, clock)
