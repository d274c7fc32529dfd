"""Starts the real assistant (trained model, `rasa run` running the custom actions) for end-to-end tests."""

from __future__ import annotations

import json
import socket
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional

from bot.launcher.processes import AssistantProcesses
from bot.server.rasa_http_api import conversation_path
from tests.desk_hours import write_test_settings
from tests.process_env import user_environment


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningAssistant:
    """Handles to a running assistant: URLs, API token, database URL and run folder."""

    processes: AssistantProcesses
    db_url: str

    @property
    def url(self) -> str:
        """Base URL of the Rasa server."""
        return self.processes.rasa_url

    @property
    def var_dir(self) -> Path:
        """Folder with the logs, SQLite files and desk notifications."""
        return self.processes.var_dir

    def say(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """Send a message through the REST channel; return the bot's replies."""
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        return self.post_json("/webhooks/rest/webhook", body)

    def texts(self, sender: str, text: str) -> List[str]:
        """The texts of the bot's replies to one message."""
        return [reply.get("text", "") for reply in self.say(sender, text)]

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The conversation's tracker from the authenticated HTTP API."""
        query = urllib.parse.urlencode({"token": self.processes.token})
        with urllib.request.urlopen(f"{self.url}{conversation_path(sender)}/tracker?{query}", timeout=30) as r:
            return json.loads(r.read())

    def post_json(self, path: str, body: Any) -> Any:
        """POST JSON to the Rasa server and decode the answer."""
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")


@contextmanager
def running_assistant(
    model: Path, var_dir: Path, extra_env: Optional[Mapping[str, str]] = None,
    action_timeout: Optional[float] = None,
) -> Iterator[RunningAssistant]:
    """Start the assistant on free ports with its databases in `var_dir`; stop it afterwards.

    The desk is staffed around the clock (test settings), so no test depends on the hour.
    """
    env = user_environment()
    db_url = f"sqlite:///{var_dir / 'brightway.db'}"
    env["BRIGHTWAY_DB_URL"] = db_url
    env["BRIGHTWAY_SETTINGS"] = str(write_test_settings(var_dir))
    env.update(extra_env or {})
    processes = AssistantProcesses(
        model=model, var_dir=var_dir, rasa_port=free_port(), actions_port=free_port(), desk_port=free_port(), review_port=free_port(),
        environ=env, action_timeout=action_timeout,
    )
    processes.start()
    try:
        yield RunningAssistant(processes=processes, db_url=env["BRIGHTWAY_DB_URL"])
    finally:
        processes.stop()
