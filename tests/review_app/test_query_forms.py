"""Tests for review_app/query_forms.py."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs

from review_app.query_forms import (
    MAX_WHOLE_NUMBER, ParsedQuery, conversation_filter, handoff_filter, page_number, whole_number, with_params,
)


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
    parsed = ParsedQuery()
    assert [page_number({"page": value}, parsed) for value in ("3", "0", "x", "", "²")] == [3, 1, 1, 1, 1]
    assert page_number({}, parsed) == 1
    assert parsed.errors == [f"Page must be a whole number of at least 1; ignored {value!r}." for value in ("0", "x", "²")]
    query = with_params({"status": "open", "page": "2", "q": ""}, page=3, raw=None, channel="sms")
    assert parse_qs(query) == {"status": ["open"], "page": ["3"], "channel": ["sms"]}
    assert "page" not in with_params({"page": "2"}, page=None)


def test_whole_numbers_are_ascii_digits_capped_far_below_sql_integers() -> None:
    assert [whole_number(text) for text in ("0", "42", "0042", "00000000000000000000000007")] == [0, 42, 42, 7]
    assert [whole_number(text) for text in ("²", "٣", "-1", "1.5", "1e3", " 1", "")] == [None] * 7
    assert whole_number("9" * 5000) == whole_number(str(MAX_WHOLE_NUMBER + 1)) == MAX_WHOLE_NUMBER


def test_days_outside_the_sane_range_are_ignored() -> None:
    parsed = ParsedQuery()
    filters = conversation_filter({"since": "1970-01-01", "until": "2999-12-31"}, parsed)
    assert (filters.since, filters.until, parsed.errors) == (date(1970, 1, 1), date(2999, 12, 31), [])
    filters = handoff_filter({"since": "1969-12-31", "until": "3000-01-01"}, parsed)
    assert filters.since is None and filters.until is None
    assert parsed.errors == ["From must be a day from 1970-01-01 to 2999-12-31; ignored '1969-12-31'.",
                             "To must be a day from 1970-01-01 to 2999-12-31; ignored '3000-01-01'."]


def test_handoff_filter_names_search_words_left_out() -> None:
    parsed = ParsedQuery()
    filters = handoff_filter({"q": "a b1 😡 ?! late " + " ".join(f"w{n}" for n in range(9))}, parsed)
    assert filters.search_words == ["b1", "late", "w0", "w1", "w2", "w3", "w4", "w5"]
    assert parsed.errors == ["Search ignored 'a', '😡', '?!': a searched word needs at least 2 letters or digits.",
                             "Search uses the first 8 words only; ignored 'w6', 'w7', 'w8'."]


def test_handoff_filter_warns_when_from_is_after_to() -> None:
    parsed = ParsedQuery()
    handoff_filter({"since": "2026-11-02", "until": "2026-11-01"}, parsed)
    assert parsed.errors == ["From is after To, so no handoff can match; swap the two dates."]
