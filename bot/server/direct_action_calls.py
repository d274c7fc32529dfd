"""Rasa's custom-action calls handed to the action gateway of the same process, without HTTP.

Rasa 3.6 sends every custom action to `action_endpoint` over HTTP, opening a new connection for
each call. When that URL is this server's own gateway (a loopback host, this server's port, the
gateway's path), `install` makes the call go straight to the gateway object instead: the same
timeout, fallback, handoff and answers (Rasa still checks them), without the connection and the
JSON round trip of the tracker. Any other URL goes over HTTP as before. Installed for Rasa by
`bot.server.entry`; the gateway registers itself once the server listens.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any, Dict, Optional, Protocol
from urllib.parse import urlsplit

from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.server.action_answers import ActionAnswer

logger = logging.getLogger(__name__)

GATEWAY_PATH = "/webhooks/action_gateway/webhook"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_INSTALLED = "brightway_direct_action_calls"


class ActionGateway(Protocol):
    """What a direct call needs of the action gateway (bot/server/action_gateway.py)."""

    async def answer(self, call: Dict[str, Any]) -> ActionAnswer:
        """The gateway's answer to one action call from Rasa."""


class _LocalGateway:
    """The gateway served by this process, and the port it is served on (0: none)."""

    gateway: Optional["ActionGateway"] = None
    port: int = 0


def serve_locally(gateway: Optional["ActionGateway"], port: int) -> None:
    """Hand calls to `gateway`'s URL on `port` straight to it (None: stop doing so)."""
    _LocalGateway.gateway, _LocalGateway.port = gateway, port if gateway is not None else 0
    if gateway is not None and port:
        logger.info("action_gateway.direct_calls port=%d", port)


def listening_port(app: Any) -> int:
    """The TCP port a started Sanic app listens on (given as a port or as a bound socket)."""
    if app.state.port:
        return int(app.state.port)
    sock = app.state.sock
    return int(sock.getsockname()[1]) if sock is not None else 0


def local_gateway_for(url: str) -> Optional["ActionGateway"]:
    """This process's gateway when `url` is its webhook, else None."""
    if _LocalGateway.gateway is None or not _LocalGateway.port:
        return None
    parts = urlsplit(url)
    if parts.hostname in LOOPBACK_HOSTS and parts.port == _LocalGateway.port and parts.path.rstrip("/") == GATEWAY_PATH:
        return _LocalGateway.gateway
    return None


def install() -> None:
    """Make Rasa's endpoint requests to this server's own gateway direct calls (idempotent)."""
    original = EndpointConfig.request
    if getattr(original, _INSTALLED, False):
        return

    async def request(
        self: EndpointConfig, method: str = "post", subpath: Optional[str] = None,
        content_type: Optional[str] = "application/json", compress: bool = False, **kwargs: Any,
    ) -> Optional[Any]:
        """A direct gateway call when this endpoint is our own gateway, else Rasa's HTTP request."""
        direct = method.lower() == "post" and not subpath and isinstance(kwargs.get("json"), dict)
        gateway = local_gateway_for(self.url) if direct else None
        if gateway is None:
            return await original(self, method, subpath, content_type, compress, **kwargs)
        answer = await gateway.answer(kwargs["json"])
        if answer.status >= 400:
            raise ClientResponseError(answer.status, HTTPStatus(answer.status).phrase, answer.payload.decode("utf-8"))
        return json.loads(answer.payload) if answer.content_type.startswith("application/json") else None

    setattr(request, _INSTALLED, True)
    EndpointConfig.request = request  # type: ignore[method-assign]
