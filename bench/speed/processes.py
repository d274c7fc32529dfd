"""Server processes the bench starts: spawn with a log, wait until ready, read memory, stop."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence

from bot.settings import REPO_ROOT

STOP_TIMEOUT_S = 15.0


class ServerFailed(RuntimeError):
    """A server stopped or did not become ready; the message names its log."""


@dataclass
class ServerProcess:
    """One started server (its own process group, so stopping it stops what it started)."""

    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        """Process id."""
        return self.popen.pid

    def running(self) -> bool:
        """True while the process has not exited."""
        return self.popen.poll() is None

    def rss_bytes(self) -> int:
        """Resident memory of the process and every process it started, from /proc."""
        return sum(resident_bytes(pid) for pid in process_tree(self.pid))

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL it after STOP_TIMEOUT_S."""
        if not self.running():
            return
        _signal_group(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _signal_group(self.pid, signal.SIGKILL)
            self.popen.wait()


def spawn(name: str, command: Sequence[str], env: Mapping[str, str], log: Path, cwd: Path = REPO_ROOT) -> ServerProcess:
    """Start `command` in its own session with stdout and stderr appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as handle:
        popen = subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return ServerProcess(name, popen, log)


def wait_until(
    server: ServerProcess, is_ready: Callable[[], bool], timeout_s: float, poll_s: float = 0.25
) -> None:
    """Poll `is_ready` until it is true; fail fast, naming the log, if the server exits or times out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not server.running():
            raise ServerFailed(f"{server.name} exited with {server.popen.returncode} while starting; see {server.log}")
        if is_ready():
            return
        time.sleep(poll_s)
    raise ServerFailed(f"{server.name} was not ready within {timeout_s:.0f} s; see {server.log}")


def http_ok(url: str, body: Optional[bytes] = None, needs_content: bool = False) -> bool:
    """True when `url` answers 200 (to a JSON POST when `body` is given), with content if asked."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            content = response.read()
            return response.status == 200 and (not needs_content or content.strip() not in (b"", b"[]"))
    except urllib.error.HTTPError as error:
        error.close()
        return False
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def process_tree(pid: int) -> List[int]:
    """`pid` and all its descendants that are still alive."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def resident_bytes(pid: int) -> int:
    """VmRSS of one process (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def clean_environment(extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """This process's environment without project or API-token settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIGHTWAY_", "RASA_API_TOKEN", "TELEGRAM_"))}
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"})
    env.update(extra or {})
    return env


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass
