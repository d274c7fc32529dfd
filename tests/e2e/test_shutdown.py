"""End to end: Ctrl-C on `python -m bot run` with a handoff open stops the desk and the review app
first, then Rasa (which runs the custom actions: no action server process), and no log holds a
traceback; a Rasa server that dies on its own is noticed, named, and the rest stopped.

The launcher runs as a user starts it (its own run folder and ports); the desk polls Rasa every
0.1 s for the open handoff, so a Rasa stopped before the desk would show in `desk.log`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Tuple

import httpx
import pytest

from bot.settings import REPO_ROOT
from tests.desk_hours import write_test_settings
from tests.e2e.running_assistant import free_port

pytestmark = pytest.mark.slow

FRUSTRATED = "I've asked three times already and this is USELESS!!! get me someone"
READY_LINE = "Press Ctrl-C to stop."
STOP_ORDER = ["Stopped the review app.", "Stopped the desk.", "Stopped the Rasa server."]
PLATFORM_VARIABLES = ("BRIGHTWAY_", "RASA_API_TOKEN", "TELEGRAM_", "SLACK_", "TWILIO_")


def launcher_env(var_dir: Path) -> Dict[str, str]:
    """The user's environment without our settings, plus a run folder, free ports and test desk hours."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(PLATFORM_VARIABLES)}
    env.update({
        "BRIGHTWAY_VAR_DIR": str(var_dir),
        "BRIGHTWAY_SETTINGS": str(write_test_settings(var_dir)),
        "BRIGHTWAY_RASA_PORT": str(free_port()),
        "BRIGHTWAY_ACTIONS_PORT": str(free_port()),
        "BRIGHTWAY_DESK_PORT": str(free_port()),
        "BRIGHTWAY_REVIEW_PORT": str(free_port()),
        "BRIGHTWAY_DESK_POLL_SECONDS": "0.1",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float) -> None:
    """Poll `condition` until it holds, else fail naming `what`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def listening(port: str) -> bool:
    """True when something accepts connections on the loopback `port`."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", int(port))) == 0


def desk_waiting(desk_url: str) -> int:
    """How many handoffs the desk process sees waiting."""
    return int(httpx.get(f"{desk_url}/health", timeout=10).json()["waiting"])


@contextmanager
def running_launcher(env: Dict[str, str]) -> Iterator[Tuple[subprocess.Popen, List[str]]]:
    """`python -m bot run` started as a user starts it, once it says it is ready; stopped with
    SIGTERM (children in order) if the test leaves it running."""
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=REPO_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output: List[str] = []
    reader = threading.Thread(target=lambda: output.extend(launcher.stdout or []), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any(READY_LINE in line for line in output) or launcher.poll() is not None,
                 "the launcher to start everything", 600)
        assert launcher.poll() is None, "".join(output)
        yield launcher, output
    finally:
        if launcher.poll() is None:
            launcher.terminate()
            try:
                launcher.wait(timeout=120)
            except subprocess.TimeoutExpired:
                launcher.kill()
                launcher.wait()
        reader.join(timeout=10)
        if launcher.stdout is not None:
            launcher.stdout.close()


def child_running(parent: int, command_part: str) -> int:
    """The id of `parent`'s child process whose command line contains `command_part`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"\nPPid:\t{parent}\n" in status and command_part in command:
            return int(entry.name)
    raise AssertionError(f"no child of {parent} runs {command_part!r}")


def test_ctrl_c_stops_desk_and_review_app_before_rasa_and_leaves_no_traceback(
    trained_model: Path, tmp_path: Path
) -> None:
    env = launcher_env(tmp_path)
    with running_launcher(env) as (launcher, output):
        rasa_url = f"http://127.0.0.1:{env['BRIGHTWAY_RASA_PORT']}"
        desk_url = f"http://127.0.0.1:{env['BRIGHTWAY_DESK_PORT']}"
        replies = httpx.post(f"{rasa_url}/webhooks/rest/webhook",
                             json={"sender": "shutdown-1", "message": FRUSTRATED}, timeout=60).json()
        assert "person" in " ".join(reply.get("text", "") for reply in replies)
        wait_for(lambda: desk_waiting(desk_url) == 1, "the desk to see the open handoff", 30)

        launcher.send_signal(signal.SIGINT)
        code = launcher.wait(timeout=120)

    assert code == 0, "".join(output)
    lines = [line.strip() for line in output]
    assert [line for line in lines if line in STOP_ORDER] == STOP_ORDER
    ports = [env[f"BRIGHTWAY_{name}_PORT"] for name in ("RASA", "ACTIONS", "DESK", "REVIEW")]
    assert [port for port in ports if listening(port)] == []
    logs = {path.name: path.read_text(errors="replace") for path in tmp_path.glob("*.log")}
    assert set(logs) == {"train.log", "rasa_server.log", "desk.log", "review_app.log"}
    assert [line for line in lines if "warning" in line.lower()] == [], "a clean start prints no warnings"
    assert [name for name, text in logs.items() if "Traceback" in text] == []
    assert "Traceback" not in "".join(output)
    assert "unreachable" not in logs["desk.log"]


def test_a_rasa_server_that_dies_is_named_and_the_desk_and_review_app_are_stopped(
    trained_model: Path, tmp_path: Path
) -> None:
    """Before, the launcher slept on with a dead Rasa, the desk retrying it forever."""
    env = launcher_env(tmp_path)
    with running_launcher(env) as (launcher, output):
        os.kill(child_running(launcher.pid, " rasa run "), signal.SIGKILL)
        code = launcher.wait(timeout=120)

    text = "".join(output)
    assert code == 1, text
    assert "The Rasa server stopped on its own (killed by SIGKILL); the end of its log" in text
    lines = [line.strip() for line in output]
    assert lines[-4:] == [
        "Stopped the review app.", "Stopped the desk.", "The Rasa server had already stopped (killed by SIGKILL).",
        "Stopped.",
    ]
    ports = [env[f"BRIGHTWAY_{name}_PORT"] for name in ("DESK", "REVIEW")]
    assert [port for port in ports if listening(port)] == []
