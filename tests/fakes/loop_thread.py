"""An asyncio event loop in a daemon thread, so servers run beside synchronous test code."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable, Callable, Coroutine, Optional


class LoopThread:
    """Starts a loop, runs a set-up coroutine on it, serves until stopped."""

    def __init__(self) -> None:
        """Not started yet."""
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None

    def start(self, setup: Callable[[], Awaitable[None]], timeout_s: float = 15.0) -> None:
        """Run `setup()` on a new loop in a thread; re-raise here if it fails."""
        ready = threading.Event()
        failure: list = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self.loop = loop
            try:
                loop.run_until_complete(setup())
            except BaseException as error:
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        if not ready.wait(timeout_s):
            raise RuntimeError("server thread did not start in time")
        if failure:
            self.loop = None
            raise failure[0]

    def run(self, work: Coroutine[Any, Any, Any], timeout_s: float = 30.0) -> Any:
        """Run `work` on the loop from another thread and return its result."""
        assert self.loop is not None, "not started"
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout_s)

    def stop(self, teardown: Callable[[], Awaitable[None]]) -> None:
        """Run `teardown()` on the loop, then stop and close it."""
        if self.loop is None:
            return
        self.run(teardown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self.loop.close()
        self.loop = None
