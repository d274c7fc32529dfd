"""Body checks: JSON objects and forms parse or give 400; rejections render as JSON errors."""

from __future__ import annotations

import json

import pytest

from channels.request_body import RequestRejected, parse_form, parse_json_object


def test_json_object_parses():
    assert parse_json_object('{"update_id": 1}') == {"update_id": 1}


@pytest.mark.parametrize("text", ["", "{", "[1]", "null", '"text"'])
def test_anything_but_a_json_object_is_400(text: str):
    with pytest.raises(RequestRejected) as rejected:
        parse_json_object(text)
    assert rejected.value.status == 400


def test_form_keeps_repeated_fields_and_blank_values():
    fields = parse_form("Body=&MediaUrl0=a&MediaUrl0=b&From=%2B15551234567")
    assert fields.first("Body") == ""
    assert fields.getlist("MediaUrl0") == ["a", "b"]
    assert fields.first("From") == "+15551234567"
    assert fields.first("Missing", "default") == "default"
    assert parse_form("") == {}


@pytest.mark.parametrize("text", ["Body", "a=1&&b", "Body=hi&From"])
def test_broken_forms_are_400(text: str):
    with pytest.raises(RequestRejected) as rejected:
        parse_form(text)
    assert rejected.value.status == 400


def test_rejection_response_is_a_short_json_error():
    response = RequestRejected(413, "body larger than 10 bytes").response()
    assert response.status == 413
    assert json.loads(response.body) == {"error": "body larger than 10 bytes"}
