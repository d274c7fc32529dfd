"""Tests for review_app/exports/formats.py."""

from __future__ import annotations

import csv
import io
import json

from review_app.exports.formats import csv_text, json_text, spreadsheet_safe


def test_spreadsheet_formulas_are_turned_into_text() -> None:
    assert [spreadsheet_safe(v) for v in ("=1+1", "+44", "-2", "@SUM(A1)", "ok", None, 3)] == [
        "'=1+1", "'+44", "'-2", "'@SUM(A1)", "ok", "", "3",
    ]


def test_csv_has_header_and_rows_in_column_order() -> None:
    text = csv_text([{"b": "x, y", "a": 1}, {"a": 2}], ["a", "b"])
    assert list(csv.reader(io.StringIO(text))) == [["a", "b"], ["1", "x, y"], ["2", ""]]


def test_json_keeps_non_ascii_readable() -> None:
    assert json.loads(json_text({"text": "£89 😡"})) == {"text": "£89 😡"}
    assert "£89" in json_text({"text": "£89"})
