"""Tests for review_app/handoffs/queries.py: filters, search, pagination, counts, facets, exports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Dict, List

import pytest
from sqlalchemy.engine import Engine

from bot.handoff.store import Handoff, HandoffStore
from review_app.handoffs.digest import HandoffDigests
from review_app.handoffs.queries import HandoffFilter, HandoffQueries, handoff_record
from tests.builders import ManualClock
from tests.review_app.sample_conversations import frustrated_conversation, open_handoff, work_handoff


@pytest.fixture
def made(engine: Engine, clock: ManualClock) -> Dict[str, Handoff]:
    """Four handoffs a day apart: sms (resolved by ann), telegram (claimed by bo), two open."""
    store = HandoffStore(engine, clock)
    result = {}
    plan = [("s1", "sms", "frustration", "ann", "the parcel is late"), ("t1", "telegram", "customer_asked", "bo", "a person please"),
            ("t2", "telegram", "frustration", None, "100% useless, my_parcel"), ("r1", "rest", "frustration", None, "late again")]
    for index, (sender, channel, reason, agent, text) in enumerate(plan):
        clock.now = clock.now + timedelta(days=1) if index else clock.now
        handoff = open_handoff(store, sender, frustrated_conversation(clock.now, channel=channel, last=text),
                               channel=channel, reason=reason)
        if agent == "ann":
            handoff = work_handoff(store, clock, handoff, agent, 60, 300)
        elif agent:
            handoff = work_handoff(store, clock, handoff, agent)
        result[sender] = handoff
    HandoffDigests(engine).sync()
    return result


def ids(handoffs: List[Handoff]) -> List[str]:
    """Conversation ids of handoffs, in order."""
    return [handoff.conversation_id for handoff in handoffs]


def test_page_is_newest_first_with_totals(engine: Engine, made: Dict[str, Handoff]) -> None:
    queries = HandoffQueries(engine)
    first = queries.page(HandoffFilter(), page=1, per_page=3)
    assert ids(first.rows) == ["r1", "t2", "t1"] and first.total == 4 and first.pages == 2
    assert first.status_counts == {"open": 2, "claimed": 1, "resolved": 1}
    assert ids(queries.page(HandoffFilter(), page=2, per_page=3).rows) == ["s1"]
    past_the_last = queries.page(HandoffFilter(), page=9, per_page=3)
    assert (past_the_last.page, ids(past_the_last.rows)) == (2, ["s1"])
    assert queries.page(HandoffFilter(channel="none"), page=9, per_page=3).page == 1


def test_list_rows_carry_timings_but_not_transcripts(engine: Engine, made: Dict[str, Handoff]) -> None:
    row = HandoffQueries(engine).page(HandoffFilter(channel="sms")).rows[0]
    assert row.seconds_to_human == 60.0 and row.handling_seconds == 300.0 and row.transcript == []
    record = handoff_record(row)
    assert record["claimed_by"] == "ann" and record["seconds_to_human"] == 60.0
    assert record["created_at"] == made["s1"].created_at.isoformat(timespec="seconds")


@pytest.mark.parametrize("filters, expected", [
    (HandoffFilter(status="open"), ["r1", "t2"]),
    (HandoffFilter(channel="telegram"), ["t2", "t1"]),
    (HandoffFilter(reason="customer_asked"), ["t1"]),
    (HandoffFilter(agent="ann"), ["s1"]),
    (HandoffFilter(search="LATE"), ["r1", "s1"]),
    (HandoffFilter(search="late parcel"), ["s1"]),
    (HandoffFilter(search="100%"), ["t2"]),
    (HandoffFilter(search="my_parcel"), ["t2"]),
    (HandoffFilter(search="1_0"), []),
    (HandoffFilter(search="role text"), []),
    (HandoffFilter(search="telegram"), []),
])
def test_filters(engine: Engine, made: Dict[str, Handoff], filters: HandoffFilter, expected: List[str]) -> None:
    assert ids(list(HandoffQueries(engine).rows(filters))) == expected


def test_status_counts_ignore_the_status_filter(engine: Engine, made: Dict[str, Handoff]) -> None:
    page = HandoffQueries(engine).page(HandoffFilter(status="open", channel="telegram"))
    assert ids(page.rows) == ["t2"] and page.total == 1
    assert page.status_counts == {"open": 1, "claimed": 1, "resolved": 0}


def test_date_range_includes_both_days(engine: Engine, made: Dict[str, Handoff]) -> None:
    day = made["t1"].created_at.date()
    queries = HandoffQueries(engine)
    assert ids(list(queries.rows(HandoffFilter(since=day, until=day)))) == ["t1"]
    assert ids(list(queries.rows(HandoffFilter(since=day)))) == ["r1", "t2", "t1"]
    assert ids(list(queries.rows(HandoffFilter(until=day)))) == ["t1", "s1"]
    assert ids(list(queries.rows(HandoffFilter(since=date(2000, 1, 1), until=date(2000, 1, 2))))) == []
    assert ids(list(queries.rows(HandoffFilter(since=date.min, until=date.max)))) == ["r1", "t2", "t1", "s1"]


def test_facets_and_conversation_history(engine: Engine, made: Dict[str, Handoff]) -> None:
    queries = HandoffQueries(engine)
    facets = queries.facets()
    assert facets.channels == ["rest", "sms", "telegram"]
    assert facets.reasons == ["customer_asked", "frustration"] and facets.agents == ["ann", "bo"]
    assert [handoff.id for handoff in queries.for_conversation("t1")] == [made["t1"].id]
