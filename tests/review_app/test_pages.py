"""The review pages through the real app: handoff list, transcripts, conversations, tags, notes, metrics."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Dict

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.handoff.store import Handoff, HandoffStore
from tests.builders import ManualClock
from tests.review_app.conftest import services
from tests.review_app.sample_conversations import (
    IMG_TAG, SCRIPT_TAG, TrackerDatabase, agent_reply, at, calm_conversation, frustrated_conversation,
    misunderstood_conversation, open_handoff, work_handoff,
)
from tests.review_app.web_client import submit


@pytest.fixture
def opened(handoffs: HandoffStore, clock: ManualClock, tracker_db: TrackerDatabase) -> Dict[str, Handoff]:
    """Seven handoffs over three days on three channels, in all states; two in the tracker store too."""
    start = clock.now - timedelta(days=2)
    made: Dict[str, Handoff] = {}
    plan = [
        ("sms-1", "sms", "frustration", "alice", 120, 900, "my parcel is late again"),
        ("sms-2", "sms", "customer_asked", "bilal", 300, None, "can I speak to someone"),
        ("tg-1", "telegram", "frustration", None, None, None, "the kettle leaks everywhere"),
        ("tg-2", "telegram", "frustration", "alice", 60, 600, "refund refund refund"),
        ("slack-1", "slack", "customer_asked", None, None, None, "a real person please"),
        ("slack-2", "slack", "frustration", "bilal", 30, None, "the kettle arrived broken"),
        ("rest-1", "rest", "frustration", "alice", 45, 300, "why is this so hard"),
    ]
    for index, (sender, channel, reason, agent, reply, resolve, text) in enumerate(plan):
        clock.now = start + timedelta(hours=8 * index)
        events = frustrated_conversation(clock.now, channel=channel, last=text)
        handoff = open_handoff(handoffs, sender, events, channel=channel, reason=reason)
        if agent:
            handoff = work_handoff(handoffs, clock, handoff, agent, reply, resolve)
        made[sender] = handoff
    clock.now = start + timedelta(days=2, hours=12)
    tracker_db.add("sms-1", frustrated_conversation(start, channel="sms", last="my parcel is late again"))
    tracker_db.add("sms-1", agent_reply("Hi, Alice here: it's with the courier.", "alice", at(start, 120)))
    tracker_db.add("calm-1", calm_conversation(start))
    tracker_db.add("lost-1", misunderstood_conversation(start + timedelta(days=1)))
    return made


def handoff_ids(html: str) -> list:
    """References in the list table, in order."""
    table = html[html.index('id="handoff-list"'):]
    return re.findall(r'href="/handoffs/(H-[A-Z0-9]+)"', table)


def test_handoff_list_is_newest_first_with_counts_and_pages(lead: TestClient, opened: Dict[str, Handoff]) -> None:
    first = lead.get("/handoffs").text
    newest = [opened[s].id for s in ("rest-1", "slack-2", "slack-1", "tg-2", "tg-1")]
    assert handoff_ids(first) == newest
    assert "open: <strong>2</strong>" in first and "claimed: <strong>2</strong>" in first
    assert "resolved: <strong>3</strong>" in first and "Page 1 of 2 · 7 in total" in first
    second = lead.get("/handoffs?page=2").text
    assert handoff_ids(second) == [opened["sms-2"].id, opened["sms-1"].id]


@pytest.mark.parametrize("query, expected", [
    ("status=open", {"tg-1", "slack-1"}),
    ("channel=sms", {"sms-1", "sms-2"}),
    ("reason=customer_asked", {"sms-2", "slack-1"}),
    ("agent=bilal", {"sms-2", "slack-2"}),
    ("status=resolved&agent=alice", {"sms-1", "tg-2", "rest-1"}),
    ("q=kettle", {"tg-1", "slack-2"}),
    ("q=KETTLE+broken", {"slack-2"}),
    ("q=role", set()),
    ("q=100%25", set()),
])
def test_handoff_filters_and_search(lead: TestClient, opened: Dict[str, Handoff], query: str, expected: set) -> None:
    ids = set(handoff_ids(lead.get(f"/handoffs?{query}").text))
    assert ids == {opened[sender].id for sender in expected}


def test_date_filter_includes_both_days(lead: TestClient, opened: Dict[str, Handoff]) -> None:
    first = opened["sms-1"].created_at.date()
    second = (first + timedelta(days=1)).isoformat()
    one_day = set(handoff_ids(lead.get(f"/handoffs?since={first}&until={first}").text))
    assert one_day == {opened[s].id for s in ("sms-1", "sms-2")}
    two_days = lead.get(f"/handoffs?since={first}&until={second}").text
    assert "5 in total" in two_days and opened["slack-2"].id not in two_days


def test_bad_filter_values_are_explained_not_fatal(lead: TestClient, opened: Dict[str, Handoff]) -> None:
    page = lead.get("/handoffs?since=yesterday&status=lost")
    assert page.status_code == 200
    assert "From must be a date like 2026-11-25; ignored &#39;yesterday&#39;." in page.text
    assert "Status must be one of open, claimed, resolved" in page.text


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: tags and attribute values left out."""
    return re.sub(r"<[^>]*>", " ", html)


def test_handoff_reasons_read_as_words(lead: TestClient, opened: Dict[str, Handoff], handoffs: HandoffStore) -> None:
    odd = open_handoff(handoffs, "odd-1", frustrated_conversation(opened["sms-1"].created_at), reason="weekend_overflow")
    listed = lead.get("/handoffs").text
    assert "<td>asked for a person</td>" in listed and "<td>frustrated</td>" in listed
    assert "<td>weekend overflow</td>" in listed
    assert '<option value="customer_asked" >asked for a person</option>' in listed
    transcript = lead.get(f"/handoffs/{opened['sms-2'].id}").text
    assert "<dt>Handoff reason</dt><dd>asked for a person</dd>" in transcript
    for page in (listed, transcript, lead.get(f"/handoffs/{odd.id}").text, lead.get("/handoffs?reason=customer_asked").text):
        assert not re.search(r"customer_asked|weekend_overflow", visible_text(page)), visible_text(page)
        assert "<td>frustration</td>" not in page and "(frustration)" not in page
    legend = lead.get("/metrics/by-reason.svg").text
    assert "asked for a person" in legend and "customer_asked" not in legend


def test_handoff_transcript_shows_the_whole_conversation_with_timings(lead: TestClient, opened: Dict[str, Handoff]) -> None:
    page = lead.get(f"/handoffs/{opened['sms-1'].id}").text
    roles = re.findall(r'data-role="(\w+)"', page)
    assert roles == ["customer", "bot", "customer", "bot", "agent"]
    assert "Agent alice" in page and "Hi, Alice here: it&#39;s with the courier." in page
    assert page.count('class="line customer tipping"') == 1
    tipping = page[page.index('class="line customer tipping"'):]
    assert "my parcel is late again" in tipping[:900] and "frustration over" in tipping[:900]
    assert '<dd id="time-to-human">2 min 00 s</dd>' in page
    assert '<dd id="handling-time">15 min 00 s</dd>' in page
    assert "Handed over to a person here" in page and "frustration" in page and "sms" in page
    assert "order_status" in page


def test_handoff_without_tracker_history_shows_its_stored_transcript(lead: TestClient, opened: Dict[str, Handoff]) -> None:
    page = lead.get(f"/handoffs/{opened['tg-1'].id}").text
    assert re.findall(r'data-role="(\w+)"', page) == ["customer", "bot", "customer", "bot"]
    assert "the kettle leaks everywhere" in page and '<dd id="time-to-human">—</dd>' in page


def test_unknown_handoff_is_a_404_that_says_so(lead: TestClient) -> None:
    response = lead.get("/handoffs/H-NOTHERE")
    assert response.status_code == 404 and "There is no handoff with this reference." in response.text


def test_customer_text_is_escaped_everywhere(lead: TestClient, handoffs: HandoffStore, clock: ManualClock,
                                             tracker_db: TrackerDatabase) -> None:
    hostile = f"{SCRIPT_TAG} and {IMG_TAG}"
    events = frustrated_conversation(clock.now, first=hostile, last=f"{hostile} !!!")
    tracker_db.add("evil-<b>", events)
    handoff = open_handoff(handoffs, "evil-<b>", events, customer_name='"><script>alert(3)</script>')
    for path in ("/handoffs", f"/handoffs/{handoff.id}", "/conversations", "/conversations/view?id=evil-%3Cb%3E"):
        page = lead.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
    page = lead.get(f"/handoffs/{handoff.id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(2)&gt;" in page


def test_conversation_list_and_filters(lead: TestClient, opened: Dict[str, Handoff]) -> None:
    page = lead.get("/conversations").text
    assert "3 in total" in page
    for query, expected in [
        ("low_confidence=1", {"lost-1"}), ("intent=thank", {"calm-1"}), ("channel=sms", {"sms-1"}),
        ("min_messages=2&max_messages=2", {"sms-1", "calm-1", "lost-1"}), ("min_messages=3", set()),
        ("reviewed=no", {"sms-1", "calm-1", "lost-1"}), ("reviewed=yes", set()),
    ]:
        listed = set(re.findall(r'/conversations/view\?id=([\w-]+)"', lead.get(f"/conversations?{query}").text))
        assert listed == expected, query


def test_mark_reviewed_tag_and_note(lead: TestClient, app: Starlette, opened: Dict[str, Handoff]) -> None:
    assert submit(lead, "/conversations", "/conversations/reviewed",
                  {"conversation_id": "calm-1", "reviewed": "1", "next": "/conversations"}).status_code == 303
    assert set(re.findall(r'/conversations/view\?id=([\w-]+)"', lead.get("/conversations?reviewed=yes").text)) == {"calm-1"}
    view = "/conversations/view?id=calm-1"
    submit(lead, view, "/conversations/tags", {"conversation_id": "calm-1", "tag": "  Good Example ", "next": view})
    submit(lead, view, "/conversations/notes", {"conversation_id": "calm-1", "text": "Ideal <b>answer</b>.", "next": view})
    page = lead.get(view).text
    assert '<span class="tag">good example</span>' in page
    assert "Ideal &lt;b&gt;answer&lt;/b&gt;." in page and "lea," in page
    assert "by lea" in page
    listed = lead.get("/conversations?tag=good+example").text
    assert set(re.findall(r'/conversations/view\?id=([\w-]+)"', listed)) == {"calm-1"}
    submit(lead, view, "/conversations/tags", {"conversation_id": "calm-1", "tag": "good example", "action": "remove"})
    assert services(app).reviews.tags("calm-1") == []


def test_a_bad_tag_is_refused_with_a_message(lead: TestClient, opened: Dict[str, Handoff]) -> None:
    view = "/conversations/view?id=calm-1"
    response = submit(lead, view, "/conversations/tags", {"conversation_id": "calm-1", "tag": "<script>", "next": view})
    assert response.headers["location"] == view
    assert "Tag &#39;&lt;script&gt;&#39; is not allowed" in lead.get(view).text


def test_metrics_page_shows_figures_and_plots(lead: TestClient, opened: Dict[str, Handoff]) -> None:
    page = lead.get("/metrics").text
    assert '<strong id="total-handoffs">7</strong>' in page
    assert '<strong id="median-time">1 min 00 s</strong>' in page
    assert '<strong id="p90-time">3 min 48 s</strong>' in page
    assert "<td>order_status</td><td>7</td>" in page.replace("\n", "")
    for name in ("by-channel", "by-reason", "time-to-human", "nps", "top-intents"):
        assert f'src="/metrics/{name}.svg?' in page
        svg = lead.get(f"/metrics/{name}.svg")
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.text.lstrip().startswith("<?xml") and "<script" not in svg.text


def test_metrics_window_errors_are_explained(lead: TestClient) -> None:
    page = lead.get("/metrics?since=2026-12-01&until=2026-11-01").text
    assert "From is after To" in page


def test_metrics_follow_new_handoffs(lead: TestClient, opened: Dict[str, Handoff], handoffs: HandoffStore,
                                     clock: ManualClock) -> None:
    assert '<strong id="total-handoffs">7</strong>' in lead.get("/metrics").text
    before = lead.get("/metrics/by-channel.svg").content
    open_handoff(handoffs, "late-1", frustrated_conversation(clock.now, channel="sms"), channel="sms")
    assert '<strong id="total-handoffs">8</strong>' in lead.get("/metrics").text
    assert lead.get("/metrics/by-channel.svg").content != before
