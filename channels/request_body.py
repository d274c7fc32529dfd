"""Checks on an incoming webhook body: size (413), content type (415) and well-formedness (400)."""

from __future__ import annotations

import json
from typing import Any, Dict, List
from urllib.parse import parse_qsl

from sanic.request import Request
from sanic.response import HTTPResponse, json as json_response


class RequestRejected(Exception):
    """A request we refuse with a 4xx status and a short reason (never a stack trace)."""

    def __init__(self, status: int, reason: str) -> None:
        """Remember the HTTP status and the reason sent back to the caller."""
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> HTTPResponse:
        """The JSON error response for this rejection."""
        return json_response({"error": self.reason}, status=self.status)


class FormFields(Dict[str, List[str]]):
    """Form fields as lists of values, readable by twilio's RequestValidator (`getlist`)."""

    def getlist(self, key: str) -> List[str]:
        """All values of `key`."""
        return self.get(key, [])

    def first(self, key: str, default: str = "") -> str:
        """The first value of `key`, or `default`."""
        values = self.get(key)
        return values[0] if values else default


def read_body_text(request: Request, max_bytes: int) -> str:
    """The body as text, refusing bodies over `max_bytes` (413) and invalid UTF-8 (400)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            declared_size = int(declared)
        except ValueError:
            raise RequestRejected(400, "invalid Content-Length") from None
        if declared_size > max_bytes:
            raise RequestRejected(413, f"body larger than {max_bytes} bytes")
    body = request.body or b""
    if len(body) > max_bytes:
        raise RequestRejected(413, f"body larger than {max_bytes} bytes")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise RequestRejected(400, "body is not valid UTF-8") from None


def require_content_type(request: Request, *expected: str) -> None:
    """Refuse (415) a request whose Content-Type is none of `expected`."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in expected:
        raise RequestRejected(415, f"expected Content-Type {' or '.join(expected)}")


def parse_json_object(text: str) -> Dict[str, Any]:
    """A JSON object, or 400."""
    try:
        value = json.loads(text)
    except ValueError:
        raise RequestRejected(400, "body is not valid JSON") from None
    if not isinstance(value, dict):
        raise RequestRejected(400, "body must be a JSON object")
    return value


def parse_form(text: str) -> FormFields:
    """URL-encoded form fields, or 400."""
    fields = FormFields()
    if not text:
        return fields
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise RequestRejected(400, "body is not a valid form") from None
    for key, value in pairs:
        fields.setdefault(key, []).append(value)
    return fields
