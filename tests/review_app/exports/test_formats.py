"""Tests for review_app/exports/formats.py."""

from __future__ import annotations

import codecs
import csv
import io
import json

from review_app.exports.formats import csv_download, csv_text, json_text, spreadsheet_safe, with_nulls


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


def test_csv_cells_replace_what_csv_cannot_write_or_a_spreadsheet_would_show_reversed() -> None:
    message = "<script>alert(1)</script> \u202eRTL and a\u0000null"
    text = csv_text([{"text": message}, {"text": "\u2066x\u2069 \x1b[31m \ud83d half"}, {"text": "\x00=1+1"}], ["text"])
    assert list(csv.reader(io.StringIO(text))) == [
        ["text"], ["<script>alert(1)</script> \ufffdRTL and a\ufffdnull"], ["\ufffdx\ufffd \ufffd[31m \ufffd half"],
        ["\ufffd=1+1"],
    ]
    assert text.encode("utf-8").decode("utf-8") == text


def test_csv_cells_keep_tabs_line_breaks_and_every_script() -> None:
    value = "Straße\tzoë\r\nמשלוח 😡 مرحبا"
    assert list(csv.reader(io.StringIO(csv_text([{"text": value}], ["text"]), newline="")))[1] == [value]


def test_csv_download_starts_with_one_utf8_byte_order_mark_for_excel() -> None:
    body = csv_download([{"customer": "Zoë Straße 😡"}], ["customer"]).encode("utf-8")
    assert body.startswith(codecs.BOM_UTF8) and not body[3:].startswith(codecs.BOM_UTF8)
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == [["customer"], ["Zoë Straße 😡"]]


def test_json_escapes_lone_surrogates_so_the_body_encodes() -> None:
    text = json_text({"text": "half \ud83d an emoji"})
    assert json.loads(text.encode("utf-8")) == {"text": "half \ud83d an emoji"}


def test_with_nulls_fills_every_column_and_turns_unknown_empty_text_into_none() -> None:
    record = {"claimed_at": "", "claimed_by": "", "text": "", "extra": 1}
    assert with_nulls(record, ["claimed_at", "claimed_by", "text", "intent"], ["claimed_at", "claimed_by"]) == {
        "claimed_at": None, "claimed_by": None, "text": "", "intent": None, "extra": 1,
    }
