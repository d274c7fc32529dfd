"""Tests for review_app/query_forms.py."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs

from review_app.query_forms import ParsedQuery, conversation_filter, handoff_filter, page_number, with_params


def test_handoff_filter_reads_the_form_and_explains_bad_values() -> None:
    parsed = ParsedQuery()
    filters = handoff_filter({"status": "open", "channel": " sms ", "since": "2026-11-01", "until": "nope",
                              "q": "x" * 300}, parsed)
    assert (filters.status, filters.channel, filters.since, filters.until) == ("open", "sms", date(2026, 11, 1), None)
    assert len(filters.search) == 200
    assert parsed.errors == ["To must be a date like 2026-11-25; ignored 'nope'."]


def test_conversation_filter() -> None:
    parsed = ParsedQuery()
    filters = conversation_filter({"low_confidence": "1", "min_messages": "2", "max_messages": "-1",
                                   "reviewed": "maybe", "tag": " Refund "}, parsed)
    assert filters.low_confidence and filters.min_messages == 2 and filters.max_messages is None
    assert filters.reviewed == "" and filters.tag == "refund"
    assert len(parsed.errors) == 2


def test_page_number_and_links() -> None:
    assert [page_number({"page": value}) for value in ("3", "0", "x", "")] == [3, 1, 1, 1]
    assert page_number({}) == 1
    query = with_params({"status": "open", "page": "2", "q": ""}, page=3, raw=None, channel="sms")
    assert parse_qs(query) == {"status": ["open"], "page": ["3"], "channel": ["sms"]}
    assert "page" not in with_params({"page": "2"}, page=None)
