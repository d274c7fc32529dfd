"""Work that runs after the platform has been acknowledged, with failures logged and shutdown drained."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Coroutine, Set

logger = logging.getLogger(__name__)


class BackgroundTasks:
    """Keeps references to running tasks (so they are not collected) and logs their errors."""

    def __init__(self) -> None:
        """Start with no tasks."""
        self._tasks: Set[asyncio.Task] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task:
        """Run `work` on the current event loop."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    @property
    def pending(self) -> int:
        """How many tasks are still running."""
        return len(self._tasks)

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Wait for running tasks (at shutdown), cancelling any that exceed `timeout_s`."""
        if not self._tasks:
            return
        _, still_running = await asyncio.wait(set(self._tasks), timeout=timeout_s)
        for task in still_running:
            task.cancel()
        if still_running:
            await asyncio.wait(still_running)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("background task %s failed", task.get_name(), exc_info=task.exception())
