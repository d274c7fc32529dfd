"""Rasa's REST channel behind the same body checks as our platform channels.

Rasa's own `rest` channel accepts a 2 MB message, JSON sent as text/plain, and a message or
sender of any JSON type (a list body even crashes it with a 500); a message without a sender
lands in one shared conversation called "default". `GuardedRestInput` serves the same URL
(`/webhooks/rest/webhook`) and answers such requests with a 4xx before Rasa sees them, so
nothing is stored half-way. In credentials, `channels.rest_guard.GuardedRestInput:` replaces `rest:`.

The REST channel has no sign-in, so its senders may not name a platform channel's conversation
("telegram:<chat>", "slack:...", "sms:<phone>"): anyone who can reach the webhook could otherwise
read what the bot remembers of that customer's conversation (an order and its tracking number) or
post "never mind" into their handoff.
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.request_body import RequestRejected, parse_json_object, read_body_text, require_content_type

DEFAULT_MAX_BODY_BYTES = 256 * 1024
# NUL (PostgreSQL refuses it in text columns) and unpaired UTF-16 surrogates (no UTF-8 encoding:
# SQLite refuses them) would fail the turn's tracker write after the bot had already answered.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# conversation-id prefixes of the platform channels (`CHANNEL` of channels.telegram, .slack, .sms)
PLATFORM_CONVERSATION_PREFIXES = ("telegram:", "slack:", "sms:")


def storable_text(text: str) -> bool:
    """Whether `text` can be stored in the tracker store on SQLite and PostgreSQL alike."""
    return _UNSTORABLE.search(text) is None


def check_rest_message(request: Request, max_body_bytes: int) -> None:
    """Raise `RequestRejected` unless the body is a JSON object with a text message and a sender."""
    text = read_body_text(request, max_body_bytes)
    require_content_type(request, "application/json")
    body = parse_json_object(text)
    if not isinstance(body.get("sender"), str) or not body["sender"].strip():
        raise RequestRejected(400, '"sender" must be a non-empty string (the conversation id)')
    if body["sender"].strip().lower().startswith(PLATFORM_CONVERSATION_PREFIXES):
        prefix = body["sender"].strip().split(":", 1)[0]
        raise RequestRejected(
            403, f'"sender" may not start with "{prefix}:": that names a conversation of the {prefix.lower()} channel, '
            "which the REST channel may not read or write"
        )
    if not isinstance(body.get("message"), str):
        raise RequestRejected(400, '"message" must be a string')
    for field in ("sender", "message"):
        if not storable_text(body[field]):
            raise RequestRejected(400, f'"{field}" must be text without NUL characters or unpaired surrogates (\\ud800-\\udfff)')
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        raise RequestRejected(400, '"metadata" must be a JSON object')


class GuardedRestInput(RestInput):
    """Rasa's REST channel at /webhooks/rest/webhook, refusing malformed requests with a 4xx."""

    @classmethod
    def name(cls) -> Text:
        """Same URL segment as Rasa's channel, so clients need no change."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GuardedRestInput":
        """Optional key: `max_body_bytes` (larger bodies get 413)."""
        credentials = credentials or {}
        return cls(int(credentials.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)))

    def __init__(self, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        """Refuse bodies over `max_body_bytes`."""
        self.max_body_bytes = max_body_bytes

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's routes, with the checks run before its webhook handler."""
        routes = super().blueprint(on_new_message)

        @routes.middleware("request")
        async def check(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST":
                return None
            try:
                check_rest_message(request, self.max_body_bytes)
            except RequestRejected as rejection:
                return rejection.response()
            return None

        return routes
