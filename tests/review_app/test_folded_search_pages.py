"""The handoff list's search box through the real app: case and accents never hide a transcript, and
the notes, filters and pages work with folded words as with plain ones."""

from __future__ import annotations

import html
import re
from typing import Dict, List

import pytest
from starlette.testclient import TestClient

from bot.handoff.store import HandoffStore
from tests.builders import ManualClock
from tests.review_app.sample_conversations import frustrated_conversation, open_handoff

# Conversation id -> (channel, what the customer wrote last); opened a minute apart in this order.
WRITTEN = {
    "sms-1": ("sms", "Zoë here again"),
    "sms-2": ("sms", "ZOE, the café is closed"),
    "sms-3": ("sms", "zoé at Straße 5"),
    "sms-4": ("sms", "ΖΩΗ, the CAFE parcel"),
    "tg-1": ("telegram", "Zoë is still waiting"),
    "tg-2": ("telegram", "Zoe\u0308 in Hauptstrasse"),
    "tg-3": ("telegram", "the kettle leaks"),
    "rest-1": ("rest", "ＺＯＥ typed full width"),
}


@pytest.fixture
def written(handoffs: HandoffStore, clock: ManualClock) -> Dict[str, str]:
    """The handoffs of `WRITTEN`; conversation id -> reference."""
    references = {}
    for sender, (channel, last) in WRITTEN.items():
        clock.advance(minutes=1)
        events = frustrated_conversation(clock.now, channel=channel, last=last)
        references[sender] = open_handoff(handoffs, sender, events, channel=channel).id
    return references


def listed(page: str) -> List[str]:
    """References in the handoff table, in order."""
    return re.findall(r'href="/handoffs/(H-[A-Z0-9]+)"', page[page.index('id="handoff-list"'):])


def notes(page: str) -> List[str]:
    """The notes (flash errors) a page shows, unescaped."""
    return [html.unescape(note) for note in re.findall(r'<p class="flash error">(.*?)</p>', page)]


@pytest.mark.parametrize("search, expected", [
    ("CAFÉ", ["sms-4", "sms-2"]),
    ("strasse", ["sms-3"]),
    ("Straße", ["sms-3"]),
    ("Ζωή", ["sms-4"]),
])
def test_search_finds_words_whatever_their_case_and_accents(lead: TestClient, written: Dict[str, str],
                                                           search: str, expected: List[str]) -> None:
    page = lead.get("/handoffs", params={"q": search}).text
    assert listed(page) == [written[sender] for sender in expected] and notes(page) == []


def test_a_folded_search_pages_and_counts(lead: TestClient, written: Dict[str, str]) -> None:
    first = lead.get("/handoffs", params={"q": "zoe"}).text
    second = lead.get("/handoffs", params={"q": "zoe", "page": "2"}).text
    assert listed(first) == [written[sender] for sender in ("rest-1", "tg-2", "tg-1", "sms-3", "sms-2")]
    assert "Page 1 of 2 · 6 in total" in first and "open: <strong>6</strong>" in first
    assert listed(second) == [written["sms-1"]]


def test_a_folded_search_keeps_the_filters_and_the_notes(lead: TestClient, written: Dict[str, str]) -> None:
    page = lead.get("/handoffs", params={"q": "Zoë x", "channel": "telegram"}).text
    assert listed(page) == [written["tg-2"], written["tg-1"]]
    assert notes(page) == ["Search ignored 'x': a searched word needs at least 2 letters or digits."]
