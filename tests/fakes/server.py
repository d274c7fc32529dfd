"""A real HTTP server on 127.0.0.1 (aiohttp, own thread) that records requests and can be told to fail."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs

from aiohttp import web

from tests.fakes.loop_thread import LoopThread


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received (parameters parsed once, as benchmarks filter them often)."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    received_at: float
    parsed: Dict[str, Any] = field(default_factory=dict, compare=False)

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body or b"null")

    def form(self) -> Dict[str, str]:
        """The body as a URL-encoded form (last value wins)."""
        parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {key: values[-1] for key, values in parsed.items()}

    def params(self) -> Dict[str, Any]:
        """JSON, multipart or form parameters, whichever the client sent (a copy)."""
        if not self.parsed:
            self.parsed.update(request_params(self.headers.get("Content-Type", ""), self.body))
        return dict(self.parsed)


def request_params(content_type: str, body: bytes) -> Dict[str, Any]:
    """Parameters of a JSON, multipart or URL-encoded body (files as bytes, last value wins)."""
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        return {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            if part.get_filename()
            else part.get_content()
            for part in message.iter_parts()
        }
    parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


@dataclass
class ScriptedFailure:
    """A canned error response for the next matching request."""

    status: int
    body: Any
    headers: Dict[str, str] = field(default_factory=dict)
    path_contains: str = ""


class FakeApiServer:
    """Base class: subclasses add routes with `add_routes`; use as a context manager."""

    def __init__(self) -> None:
        """Create a stopped server."""
        self.requests: List[RecordedRequest] = []
        self._failures: Deque[ScriptedFailure] = deque()
        self._condition = threading.Condition()
        self._runner: Optional[web.AppRunner] = None
        self._loop_thread = LoopThread()
        self._listeners: List[Callable[[RecordedRequest], None]] = []
        self.port = 0

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        return f"http://127.0.0.1:{self.port}"

    def add_routes(self, app: web.Application) -> None:
        """Subclasses register their API routes here."""
        raise NotImplementedError

    def fail_next(
        self,
        count: int,
        status: int,
        body: Any = None,
        headers: Optional[Dict[str, str]] = None,
        path_contains: str = "",
    ) -> None:
        """Answer the next `count` matching requests with `status` (recorded all the same)."""
        for _ in range(count):
            self._failures.append(ScriptedFailure(status, body, dict(headers or {}), path_contains))

    def add_listener(self, listener: Callable[[RecordedRequest], None]) -> None:
        """Call `listener` with every request as it is recorded (on the server's thread)."""
        self._listeners.append(listener)

    def requests_where(self, predicate: Callable[[RecordedRequest], bool]) -> List[RecordedRequest]:
        """Recorded requests for which `predicate` holds."""
        with self._condition:
            return [r for r in self.requests if predicate(r)]

    def calls(self, path_suffix: str) -> List[RecordedRequest]:
        """Recorded requests whose path ends with `path_suffix`."""
        with self._condition:
            return [r for r in self.requests if r.path.endswith(path_suffix)]

    def wait_for(
        self, path_suffix: str, count: int = 1, timeout_s: float = 10.0
    ) -> List[RecordedRequest]:
        """Block until `count` requests to `path_suffix` arrived; fail loudly on timeout."""

        def enough(requests: List[RecordedRequest]) -> List[RecordedRequest]:
            found = [r for r in requests if r.path.endswith(path_suffix)]
            return found if len(found) >= count else []

        return self.wait_until(enough, timeout_s, f"{count} call(s) to {path_suffix}")

    def wait_until(
        self,
        matching: Callable[[List[RecordedRequest]], List[RecordedRequest]],
        timeout_s: float = 10.0,
        what: str = "matching requests",
    ) -> List[RecordedRequest]:
        """Block until `matching(all requests)` is non-empty and return it."""
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while True:
                found = matching(self.requests)
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {what}; got {[r.path for r in self.requests]}")
                self._condition.wait(remaining)

    def start(self) -> "FakeApiServer":
        """Serve on a random loopback port in a background thread."""
        self._loop_thread.start(self._serve)
        return self

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        if self._runner is not None:
            self._loop_thread.stop(self._runner.cleanup)

    def __enter__(self) -> "FakeApiServer":
        """Start on entry."""
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        """Stop on exit."""
        self.stop()

    async def _serve(self) -> None:
        app = web.Application(middlewares=[self._record], client_max_size=64 * 1024 * 1024)
        self.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    @web.middleware
    async def _record(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        body = await request.read()
        recorded = RecordedRequest(
            request.method, request.path, dict(request.headers), body, time.monotonic()
        )
        failure = self._take_failure(request.path)
        with self._condition:
            self.requests.append(recorded)
            self._condition.notify_all()
        for listener in self._listeners:
            listener(recorded)
        if failure is not None:
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        return await handler(request)

    def _take_failure(self, path: str) -> Optional[ScriptedFailure]:
        with self._condition:
            for failure in list(self._failures):
                if failure.path_contains in path:
                    self._failures.remove(failure)
                    return failure
        return None
