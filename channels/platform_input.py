"""What every platform input channel shares: start-up from credentials, routes, error mapping, shutdown."""

from __future__ import annotations

import os
from typing import Any, Awaitable, Callable, ClassVar, Dict, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.handover import OnNewMessage
from channels.refusal_log import log_refusal
from channels.request_body import RequestRejected
from channels.runtime import ChannelRuntime
from channels.ttl_store import StoreUnavailable

Handler = Callable[[Request], Awaitable[HTTPResponse]]


class PlatformInput(InputChannel):
    """Base of our channels: subclasses set CHANNEL and SETTINGS and build their output and routes."""

    CHANNEL: ClassVar[str]
    SETTINGS: ClassVar[Any]

    @classmethod
    def name(cls) -> str:
        """Rasa's name for the channel, also its URL prefix under /webhooks/."""
        return cls.CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "PlatformInput":
        """Start-up from credentials.yml: refuses missing secrets, opens the channel stores."""
        settings = cls.SETTINGS.from_credentials(credentials, os.environ)
        return cls(settings, ChannelRuntime.start(os.environ))

    def __init__(self, settings: Any, runtime: ChannelRuntime) -> None:
        """Use the platform `settings` and the shared `runtime`."""
        self.settings = settings
        self.runtime = runtime
        self._output: Optional[OutputChannel] = None

    def get_output_channel(self) -> Any:
        """The output channel replies go through (one per process, built on first use)."""
        if self._output is None:
            self._output = self.build_output()
        return self._output

    def build_output(self) -> OutputChannel:
        """Create the platform's output channel."""
        raise NotImplementedError

    def webhook_routes(self, on_new_message: OnNewMessage) -> Dict[str, Handler]:
        """POST handlers by path (relative to /webhooks/<channel>)."""
        raise NotImplementedError

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """GET / for health, the platform's POST routes, and shutdown that drains background turns."""
        routes = Blueprint(f"brightway_{self.CHANNEL}_{id(self)}", url_prefix="")
        routes.add_route(_health, "/", methods=["GET"], name=f"{self.CHANNEL}_health")
        for path, handler in self.webhook_routes(on_new_message).items():
            name = f"{self.CHANNEL}_{path.strip('/') or 'root'}"
            routes.add_route(_answering_errors(self.CHANNEL, handler), path, methods=["POST"], name=name)
        routes.listener("after_server_stop")(self._after_server_stop)
        return routes

    async def close(self) -> None:
        """Finish background turns and close connections."""
        await self.runtime.close()
        if self._output is not None:
            await self._output.close()  # type: ignore[attr-defined]

    async def _after_server_stop(self, *_: Any) -> None:
        await self.close()


async def _health(_: Request) -> HTTPResponse:
    return response.json({"status": "ok"})


def _answering_errors(channel: str, handler: Handler) -> Handler:
    """Rejections become their 4xx and one log line (never the body); an unreachable store
    becomes 503 so the platform retries."""

    async def guarded(request: Request) -> HTTPResponse:
        try:
            return await handler(request)
        except RequestRejected as rejected:
            log_refusal(channel, rejected.status, rejected.reason, request.remote_addr or request.ip,
                        len(request.body or b""))
            return rejected.response()
        except StoreUnavailable:
            return response.json({"error": "temporarily unavailable, retry later"}, status=503)

    return guarded
