"""Runs custom actions inside the Rasa process with rasa_sdk's own executor (no action server).

The answers are the ones `python -m rasa_sdk` would send (rasa_sdk/endpoint.py): 200 with the
executor's result, 400 for `ActionExecutionRejection` (Rasa's forms rely on it), 404 for an
unknown action. An action that raises is reported as `ActionUnavailable`, as a 500 from the
action server is. Each action runs in a worker thread with its own event loop, so one that blocks
(a sync database call, `time.sleep`) holds neither the Rasa server nor the gateway's timeout.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Mapping, Optional

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from bot.server.action_answers import ActionAnswer, ActionUnavailable, decode_action_call

logger = logging.getLogger(__name__)

DEFAULT_WORKERS = 8
_thread_loops = threading.local()


def _run_in_worker(executor: ActionExecutor, action_call: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """Run one call on this worker thread's own event loop (made on the thread's first call)."""
    loop = getattr(_thread_loops, "loop", None)
    if loop is None:
        loop = _thread_loops.loop = asyncio.new_event_loop()
    return loop.run_until_complete(executor.run(action_call))


class InProcessActions:
    """The actions of one Python package, run in worker threads of this process."""

    def __init__(self, package: str, workers: int = DEFAULT_WORKERS) -> None:
        """Import `package` and register its actions now, so a broken package stops start-up."""
        self.package = package
        self.executor = ActionExecutor()
        self.executor.register_package(package)
        self._workers = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="actions")

    @property
    def target(self) -> str:
        """Where calls go, for logs."""
        return f"package {self.package} (in process)"

    async def run(self, body: bytes, headers: Mapping[str, str]) -> ActionAnswer:
        """Run the called action and answer as the action server would; raise `ActionUnavailable`
        when the action code fails."""
        action_call = decode_action_call(body, headers)
        if action_call is None:
            return ActionAnswer.of_json({"error": "Invalid body request"}, status=400)
        return await self.run_call(action_call)

    async def run_call(self, action_call: Dict[str, Any]) -> ActionAnswer:
        """Run a decoded call on a worker thread (see `run`)."""
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self._workers, _run_in_worker, self.executor, action_call)
        except ActionExecutionRejection as rejection:
            logger.debug(rejection)
            return ActionAnswer.of_json({"error": rejection.message, "action_name": rejection.action_name}, 400)
        except ActionNotFoundException as missing:
            logger.error(missing)
            return ActionAnswer.of_json({"error": missing.message, "action_name": missing.action_name}, 404)
        except Exception as error:
            logger.error("in_process_actions.failed action=%s", action_call.get("next_action"), exc_info=error)
            raise ActionUnavailable(f"{type(error).__name__} in the action code") from error
        try:
            return ActionAnswer.of_json(result)
        except (TypeError, ValueError) as error:
            raise ActionUnavailable("the action's answer is not JSON") from error

    async def close(self) -> None:
        """Stop taking calls; a still-running action finishes on its own thread."""
        self._workers.shutdown(wait=False, cancel_futures=True)
