"""Tests for bot/server/local_ports.py: `bot run`, `bot chat` and `bot.trainer watch` find Rasa on the same port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from bot.server.local_ports import LocalPorts, PortSettingError, chat_command, local_ports, rasa_url
from bot.settings import REPO_ROOT
from bot.trainer.cli import assistant_loader


class RecordingRasa(BaseHTTPRequestHandler):
    """A stand-in Rasa server: records each request's method and path, answers the REST channel."""

    requests: List[Tuple[str, str]] = []

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).requests.append((self.command, self.path.split("?")[0]))

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self._record()
        body = json.dumps([{"recipient_id": "t", "text": "hello from the port under test"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:  # noqa: N802
        self._record()
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def rasa_port() -> Iterator[int]:
    """The port of a recording stand-in for Rasa."""
    RecordingRasa.requests = []
    server = HTTPServer(("127.0.0.1", 0), RecordingRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def test_defaults_and_overrides_of_every_port() -> None:
    assert local_ports({}) == LocalPorts(rasa=5005, actions=5055, desk=5057, review=8080)
    assert local_ports({"BRIGHTWAY_RASA_PORT": "5105", "BRIGHTWAY_REVIEW_PORT": " 8180 "}).review == 8180
    assert rasa_url({"BRIGHTWAY_RASA_PORT": "5105"}) == "http://127.0.0.1:5105"
    assert rasa_url({"BRIGHTWAY_RASA_PORT": ""}) == "http://127.0.0.1:5005"


@pytest.mark.parametrize("value", ["abc", "0", "70000", "-5", "²", "５００５"])
def test_a_bad_port_names_the_variable(value: str) -> None:
    with pytest.raises(PortSettingError, match="BRIGHTWAY_DESK_PORT="):
        local_ports({"BRIGHTWAY_DESK_PORT": value})


def test_the_chat_command_names_a_port_that_is_not_the_default() -> None:
    """`bot run`'s welcome shows this: a plain `make chat` would not reach an assistant on 5405."""
    assert chat_command(5005) == "make chat"
    assert chat_command(5405) == "BRIGHTWAY_RASA_PORT=5405 make chat"


def test_chat_talks_to_the_port_bot_run_uses(rasa_port: int, tmp_path: Path) -> None:
    env = {**os.environ, "BRIGHTWAY_RASA_PORT": str(rasa_port), "RASA_API_TOKEN": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--sender", "port-test"], input="where is my order\n/quit\n",
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert f"with http://127.0.0.1:{rasa_port}." in result.stdout
    assert "bot> hello from the port under test" in result.stdout
    assert RecordingRasa.requests == [("POST", "/webhooks/rest/webhook")]


def test_chat_refuses_a_bad_port_setting() -> None:
    env = {**os.environ, "BRIGHTWAY_RASA_PORT": "fifty"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"], input="/quit\n", cwd=REPO_ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "BRIGHTWAY_RASA_PORT='fifty' is not a port number" in result.stderr


def test_watch_loads_models_into_the_port_bot_run_uses(
    rasa_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIGHTWAY_RASA_PORT", str(rasa_port))
    loader = assistant_loader()
    message = loader.load_model(tmp_path / "m.tar.gz")
    assert message == f"the running assistant at http://127.0.0.1:{rasa_port} now uses m.tar.gz"
    assert RecordingRasa.requests == [("PUT", "/model")]
    assert assistant_loader("http://127.0.0.1:9").url == "http://127.0.0.1:9"


def test_bot_run_reads_its_ports_through_the_same_function() -> None:
    env = {**os.environ, "BRIGHTWAY_ACTIONS_PORT": "5o55"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "BRIGHTWAY_ACTIONS_PORT='5o55' is not a port number" in result.stdout
