"""Query strings at the edges, through the real app: digits int() refuses, huge numbers, far dates,
pages past the last, search words the index cannot look for, and From after To."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import timedelta
from typing import List

import pytest
from starlette.testclient import TestClient

from bot.handoff.store import HandoffStore
from tests.builders import ManualClock
from tests.review_app.sample_conversations import (
    TrackerDatabase, calm_conversation, frustrated_conversation, misunderstood_conversation, open_handoff,
)

HUGE = "1" + "0" * 30
FAR_FUTURE = "9999-12-31"


@pytest.fixture
def listed(handoffs: HandoffStore, clock: ManualClock, tracker_db: TrackerDatabase) -> List[str]:
    """Seven handoffs an hour apart (two pages of five) and three tracked conversations; references oldest first."""
    start = clock.now - timedelta(hours=8)
    references = []
    for index in range(7):
        clock.now = start + timedelta(hours=index)
        last = "my kettle leaks" if index % 2 else "the parcel is late"
        references.append(open_handoff(handoffs, f"customer-{index}", frustrated_conversation(clock.now, last=last)).id)
    tracker_db.add("calm-1", calm_conversation(start))
    tracker_db.add("angry-1", frustrated_conversation(start + timedelta(hours=1), channel="sms"))
    tracker_db.add("lost-1", misunderstood_conversation(start + timedelta(hours=2)))
    clock.now = start + timedelta(hours=8)
    return references


def notes(page: str) -> List[str]:
    """The notes (flash errors) a page shows, unescaped."""
    return [html.unescape(note) for note in re.findall(r'<p class="flash error">(.*?)</p>', page)]


def handoff_ids(page: str) -> List[str]:
    """References in the handoff table, in order."""
    return re.findall(r'href="/handoffs/(H-[A-Z0-9]+)"', page[page.index('id="handoff-list"'):])


def conversation_ids(page: str) -> List[str]:
    """Conversation ids in the conversation table, in order."""
    return re.findall(r'/conversations/view\?id=([\w-]+)"', page)


@pytest.mark.parametrize("path, note", [
    ("/handoffs?page=²", "Page must be a whole number of at least 1; ignored '²'."),
    ("/conversations?page=²", "Page must be a whole number of at least 1; ignored '²'."),
    ("/conversations?min_messages=²", "Minimum messages must be a whole number of at least 0; ignored '²'."),
    ("/conversations?max_messages=٣", "Maximum messages must be a whole number of at least 0; ignored '٣'."),
])
def test_digits_other_than_ascii_are_ignored_with_a_note(lead: TestClient, listed: List[str], path: str,
                                                         note: str) -> None:
    response = lead.get(path)
    assert response.status_code == 200
    assert note in notes(response.text)


@pytest.mark.parametrize("page", ["9223372036854775807", HUGE, "9" * 5000],
                         ids=["sqlite-integer-max", "30-digits", "5000-digits"])
def test_huge_page_numbers_show_the_last_page(lead: TestClient, listed: List[str], page: str) -> None:
    handoff_page = lead.get(f"/handoffs?page={page}")
    assert handoff_page.status_code == 200 and "Page 2 of 2 · 7 in total" in handoff_page.text
    assert handoff_ids(handoff_page.text) == [listed[1], listed[0]]
    conversation_page = lead.get(f"/conversations?page={page}")
    assert conversation_page.status_code == 200 and "Page 1 of 1 · 3 in total" in conversation_page.text


@pytest.mark.parametrize("query, expected", [
    (f"min_messages={HUGE}", set()),
    (f"max_messages={HUGE}", {"calm-1", "angry-1", "lost-1"}),
    (f"min_messages={'0' * 40}2", {"calm-1", "angry-1", "lost-1"}),
])
def test_huge_message_counts_filter_without_crashing(lead: TestClient, listed: List[str], query: str,
                                                     expected: set) -> None:
    response = lead.get(f"/conversations?{query}")
    assert response.status_code == 200 and notes(response.text) == []
    assert set(conversation_ids(response.text)) == expected


def test_a_page_past_the_last_shows_the_last_page(lead: TestClient, listed: List[str]) -> None:
    page = lead.get("/handoffs?page=99999").text
    assert "Page 2 of 2 · 7 in total" in page and "No handoffs match these filters." not in page
    assert handoff_ids(page) == [listed[1], listed[0]]
    assert '<a href="?page=1" rel="prev">' in page and 'rel="next"' not in page
    conversations = lead.get("/conversations?page=3").text
    assert "Page 1 of 1 · 3 in total" in conversations and 'rel="prev"' not in conversations
    assert set(conversation_ids(conversations)) == {"calm-1", "angry-1", "lost-1"}


@pytest.mark.parametrize("path, note", [
    (f"/handoffs?until={FAR_FUTURE}", f"To must be a day from 1970-01-01 to 2999-12-31; ignored '{FAR_FUTURE}'."),
    ("/handoffs?since=0001-01-01", "From must be a day from 1970-01-01 to 2999-12-31; ignored '0001-01-01'."),
    (f"/conversations?until={FAR_FUTURE}", f"To must be a day from 1970-01-01 to 2999-12-31; ignored '{FAR_FUTURE}'."),
    ("/metrics?until=0001-01-01", "To must be a day from 1970-01-01 to 2999-12-31; ignored '0001-01-01'."),
    (f"/metrics?until={FAR_FUTURE}", f"To must be a day from 1970-01-01 to 2999-12-31; ignored '{FAR_FUTURE}'."),
])
def test_days_out_of_range_are_ignored_with_a_note(lead: TestClient, listed: List[str], path: str, note: str) -> None:
    response = lead.get(path)
    assert response.status_code == 200
    assert note in notes(response.text)


def test_an_ignored_far_day_does_not_filter(lead: TestClient, listed: List[str]) -> None:
    assert "7 in total" in lead.get(f"/handoffs?until={FAR_FUTURE}").text
    assert "3 in total" in lead.get(f"/conversations?until={FAR_FUTURE}").text


def test_exports_ignore_days_out_of_range(lead: TestClient, listed: List[str]) -> None:
    handoffs = lead.get(f"/exports/handoffs.csv?until={FAR_FUTURE}")
    assert handoffs.status_code == 200 and len(list(csv.DictReader(io.StringIO(handoffs.text)))) == 7
    conversations = lead.get(f"/exports/conversations.json?until={FAR_FUTURE}&since=0001-01-01")
    assert conversations.status_code == 200 and len(json.loads(conversations.text)) == 3


@pytest.mark.parametrize("path", [
    "/metrics?until=1970-01-01", "/metrics?until=2999-12-31", "/metrics?since=2999-12-31",
    "/metrics/nps.svg?until=0001-01-05", "/metrics/by-channel.svg?until=1970-01-01",
    "/metrics/nps.svg?until=2999-12-31",
])
def test_metrics_windows_at_the_edges_render(lead: TestClient, listed: List[str], path: str) -> None:
    assert lead.get(path).status_code == 200


@pytest.mark.parametrize("search, note", [
    ("😡", "Search ignored '😡': a searched word needs at least 2 letters or digits."),
    ("%", "Search ignored '%': a searched word needs at least 2 letters or digits."),
    ("x", "Search ignored 'x': a searched word needs at least 2 letters or digits."),
    ("kettle x ! x", "Search ignored 'x', '!': a searched word needs at least 2 letters or digits."),
])
def test_search_names_the_words_it_cannot_look_for(lead: TestClient, listed: List[str], search: str,
                                                   note: str) -> None:
    page = lead.get("/handoffs", params={"q": search}).text
    assert note in notes(page)


def test_search_words_keep_filtering_beside_ignored_ones(lead: TestClient, listed: List[str]) -> None:
    page = lead.get("/handoffs", params={"q": "kettle 😡"}).text
    assert set(handoff_ids(page)) == {listed[1], listed[3], listed[5]}


def test_search_names_the_words_past_the_limit(lead: TestClient, listed: List[str]) -> None:
    search = "kettle leaks my the one two three four five six"
    page = lead.get("/handoffs", params={"q": search}).text
    assert "Search uses the first 8 words only; ignored 'five', 'six'." in notes(page)


def test_a_search_of_searchable_words_has_no_note(lead: TestClient, listed: List[str]) -> None:
    page = lead.get("/handoffs", params={"q": "Kettle, leaks!"}).text
    assert notes(page) == [] and set(handoff_ids(page)) == {listed[1], listed[3], listed[5]}


def test_from_after_to_on_the_handoff_list_is_explained(lead: TestClient, listed: List[str]) -> None:
    page = lead.get("/handoffs?since=2026-11-25&until=2026-11-24").text
    assert "From is after To, so no handoff can match; swap the two dates." in notes(page)
    assert notes(lead.get("/handoffs?since=2026-11-25&until=2026-11-25").text) == []
