"""Starts and stops the assistant's processes (Rasa server, desk, review app) as one unit.

Custom actions run inside the Rasa server (the action gateway's `actions_module`); a separate
action server is started only with `separate_action_server=True`.

Used by `python -m bot run` and by the end-to-end tests, so tests exercise the same start-up
path a user gets: same commands, same generated endpoints and credentials.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot.launcher.outdated_models import outdated_model_reason
from bot.launcher.port_check import ports_in_use_message
from bot.server.local_ports import LocalPorts
from bot.server.rasa_http_api import api_token
from bot.settings import REPO_ROOT

ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
HEALTH_CHANNEL = "bot.server.health.HealthInput"
ACTION_GATEWAY = "bot.server.action_gateway.ActionGatewayInput"
DEFAULT_ACTION_TIMEOUT = 5.0
PRIVATE_LOGS = [sys.executable, "-m", "bot.server.entry", "-m"]
SQL_TRACKER_STORES = ("SQL", "bot.server.tracker_store.LoudSQLTrackerStore")
STOP_TIMEOUT = 10.0
DATA_CHECK = [sys.executable, "-m", "bot.trainer", "check-data", "--skip-rasa", "--errors-only", "--project"]
DATA_CHECK_FAILED = "check-data FAILED"
# glibc's malloc in the Rasa process: two arenas instead of up to 8 per core (docs/deploy.md "Memory").
RASA_MALLOC_SETTINGS = {"MALLOC_ARENA_MAX": "2"}


class StartupError(RuntimeError):
    """A process did not come up; the message says which and where its log is."""


class TrainingFailed(StartupError):
    """Rasa's training ended without a model; `output` is what this run wrote to its log, without earlier runs'."""

    def __init__(self, message: str, output: str = "") -> None:
        """Keep this run's part of the log for the launcher to show."""
        super().__init__(message)
        self.output = output


@dataclass
class ChannelPlan:
    """Which channels of `credentials.yml` are on, and which are off for lack of env vars."""

    enabled: Dict[str, object] = field(default_factory=dict)
    disabled: Dict[str, List[str]] = field(default_factory=dict)


def plan_channels(credentials_file: Path, environ: Mapping[str, str]) -> ChannelPlan:
    """Keep each channel whose `${VAR}` references are all set; list the missing ones for the rest."""
    raw = yaml.safe_load(credentials_file.read_text(encoding="utf-8")) or {}
    plan = ChannelPlan()
    for channel, config in raw.items():
        text = yaml.safe_dump(config) if config is not None else ""
        missing = sorted({name for name in ENV_REFERENCE.findall(text) if not environ.get(name)})
        if missing:
            plan.disabled[channel] = missing
        else:
            plan.enabled[channel] = config
    return plan


def write_endpoints(
    source: Path, target: Path, actions_port: int, var_dir: Path, action_endpoint_url: Optional[str] = None
) -> Path:
    """Copy `source` with custom actions sent to `action_endpoint_url` (default: straight to the
    action server on `actions_port`) and the SQLite tracker file in `var_dir`."""
    endpoints = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    endpoints["action_endpoint"] = {"url": action_endpoint_url or f"http://127.0.0.1:{actions_port}/webhook"}
    tracker = endpoints.get("tracker_store") or {}
    if tracker.get("type") in SQL_TRACKER_STORES and tracker.get("dialect", "sqlite") == "sqlite":
        tracker["db"] = str(var_dir / Path(str(tracker.get("db", "tracker.db"))).name)
        endpoints["tracker_store"] = tracker
    target.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return target


def rasa_environment(env: Mapping[str, str]) -> Dict[str, str]:
    """`env` for a Rasa process: `RASA_MALLOC_SETTINGS` added where `env` does not set them itself."""
    return {**RASA_MALLOC_SETTINGS, **env}


def newest_model(models_dir: Path) -> Optional[Path]:
    """The most recently trained model archive, if any."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def training_inputs_changed(model: Optional[Path], root: Path) -> bool:
    """True when a file Rasa trains from (config.yml, domain.yml, anything under data/) is newer than `model`,
    or there is no model: then Rasa is going to train rather than hand back the model it has."""
    if model is None:
        return True
    built = model.stat().st_mtime_ns
    inputs = [root / "config.yml", root / "domain.yml", *(root / "data").rglob("*")]
    return any(path.is_file() and path.stat().st_mtime_ns > built for path in inputs)


def check_training_data(root: Path, report: Callable[[str], None]) -> None:
    """Run the quick data lints of `make check-data` (not Rasa's slow validate) on the project at `root`;
    raise `StartupError` with their messages (file, line, fix) when they find an error.

    They run as `python -m bot.trainer check-data`, a command of its own, because the launcher does
    not import the trainer. If the check itself cannot run, training goes on and says so.
    """
    report("Checking the training data first (the lints of `make check-data`) ...")
    started = time.monotonic()
    result = subprocess.run([*DATA_CHECK, str(root)], cwd=REPO_ROOT, capture_output=True, text=True)
    output = result.stdout.strip()
    if result.returncode == 0:
        report(f"The training data has no errors ({time.monotonic() - started:.1f} s).")
    elif DATA_CHECK_FAILED in output:
        raise StartupError(f"{output}\nNothing was trained: the training data has the errors above.")
    else:
        last_lines = "\n".join((output + "\n" + result.stderr).strip().splitlines()[-5:])
        report(f"The data check could not run (exit code {result.returncode}), so training goes on without it:\n"
               f"{last_lines}")


def log_size(log: Optional[Path]) -> int:
    """How long the log is before this run writes to it (0 when there is none yet)."""
    return log.stat().st_size if log is not None and log.exists() else 0


def output_since(log: Path, offset: int) -> str:
    """What was written to `log` from `offset` on: this run's output, not the earlier runs' above it."""
    with log.open("rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", errors="replace")


def train(
    models_dir: Path, root: Path = REPO_ROOT, extra_args: Sequence[str] = (), log: Optional[Path] = None,
    report: Optional[Callable[[str], None]] = None, check_data_first: bool = True,
) -> Path:
    """Train with Rasa (it skips the work when data and config are unchanged); return the model.

    When Rasa is going to train (a training file is newer than the newest model, or none exists), the
    data lints run first (`check_data_first`) and an error stops it with their messages, instead of a
    Rasa traceback after a minute's work. With `log`, Rasa's output is appended to that file instead of
    the terminal; a failure raises `TrainingFailed` holding this run's part of it. When the newest model
    names classes this code no longer has, `report` hears why in one line and the training is forced,
    so Rasa never hands back a model it cannot load.
    """
    say = report or _print_now
    previous = newest_model(models_dir)
    reason = outdated_model_reason(previous) if previous else None
    if reason:
        say(reason)
        extra_args = (*extra_args, "--force")
    if check_data_first and (reason or "--force" in extra_args or training_inputs_changed(previous, root)):
        check_training_data(root, say)
    command = [
        *PRIVATE_LOGS, "rasa", "train",
        "--config", str(root / "config.yml"),
        "--domain", str(root / "domain.yml"),
        "--data", str(root / "data" / "nlu"), str(root / "data" / "rules.yml"),
        str(root / "data" / "stories.yml"),
        "--out", str(models_dir),
        *extra_args,
    ]
    offset = log_size(log)
    if log is None:
        result = subprocess.run(command, cwd=root)
    else:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as output:
            result = subprocess.run(command, cwd=root, stdout=output, stderr=subprocess.STDOUT)
    model = newest_model(models_dir)
    if result.returncode != 0 or model is None:
        where = f"the end of {log}" if log else "the messages above"
        raise TrainingFailed(f"Training failed: see {where} (file and line of the problem).",
                             output_since(log, offset) if log is not None and log.exists() else "")
    return model


def _print_now(line: str) -> None:
    """Print a line at once (the training's own output follows)."""
    print(line, flush=True)


def _quiet(_: str) -> None:
    """Report nothing."""


def wait_until_ready(url: str, process: subprocess.Popen, name: str, log: Path, timeout: float) -> None:
    """Poll `url` until it answers 200, failing fast if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartupError(f"The {name} stopped while starting (exit {process.returncode}); see {log}.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            error.close()  # an HTTPError holds the open response; dropping it leaks the socket
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.25)
    raise StartupError(f"The {name} did not answer at {url} within {timeout:.0f} s; see {log}.")


def describe_exit(code: int) -> str:
    """How a process ended, in words: "exit code 3", or "killed by SIGKILL" for a signal."""
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class AssistantProcesses:
    """The Rasa server (running the custom actions), the desk and the review app, plus the action
    server when asked for a separate one, started and stopped together."""

    def __init__(
        self,
        model: Path,
        var_dir: Path,
        rasa_port: int = 5005,
        actions_port: int = 5055,
        desk_port: int = 5057,
        review_port: int = 8080,
        environ: Optional[Mapping[str, str]] = None,
        root: Path = REPO_ROOT,
        action_timeout: Optional[float] = None,
        separate_action_server: bool = False,
    ) -> None:
        """Configure ports, the run folder (`var/`), the model and the environment of the processes;
        `separate_action_server` runs the actions in their own process on `actions_port`."""
        self.model = model
        self.var_dir = var_dir
        self.rasa_port = rasa_port
        self.actions_port = actions_port
        self.desk_port = desk_port
        self.review_port = review_port
        self.root = root
        self.environ = dict(os.environ if environ is None else environ)
        self.action_timeout = action_timeout
        self.separate_action_server = separate_action_server
        self.token = api_token(var_dir, self.environ)
        self.channels = plan_channels(root / "credentials.yml", self.environ)
        self._processes: List[Tuple[str, subprocess.Popen]] = []

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def desk_url(self) -> str:
        """Base URL of the desk process."""
        return f"http://127.0.0.1:{self.desk_port}"

    @property
    def review_url(self) -> str:
        """Base URL of the review web app (transcripts, metrics, agent console)."""
        return f"http://127.0.0.1:{self.review_port}"

    @property
    def actions_url(self) -> str:
        """Base URL of the action server (started only with `separate_action_server`)."""
        return f"http://127.0.0.1:{self.actions_port}"

    def start(self, timeout: float = 180.0, report: Callable[[str], None] = _quiet) -> None:
        """Bring the database up to date, then start (the separate action server,) Rasa, the desk
        and the review app in turn; return when all answer.

        A port already taken (another assistant running) raises `StartupError` before anything
        starts. Each process gets at most `timeout` seconds to answer; one that does not raises
        `StartupError` (naming it and its log) after every started process is stopped.
        `report` receives a line for each step, for the person waiting.
        """
        taken = ports_in_use_message(
            LocalPorts(self.rasa_port, self.actions_port, self.desk_port, self.review_port), self.separate_action_server
        )
        if taken is not None:
            raise StartupError(taken)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        endpoints = write_endpoints(
            self.root / self.environ.get("BRIGHTWAY_ENDPOINTS", "endpoints.yml"), self.var_dir / "endpoints.yml",
            self.actions_port, self.var_dir, f"{self.rasa_url}/webhooks/action_gateway/webhook",
        )
        credentials = self.var_dir / "credentials.yml"
        credentials.write_text(yaml.safe_dump(self._channels_with_operations()), encoding="utf-8")
        env = dict(self.environ)
        env.setdefault("BRIGHTWAY_DB_URL", f"sqlite:///{self.var_dir / 'brightway.db'}")
        env.setdefault("PYTHONUNBUFFERED", "1")
        try:
            self._upgrade_database(env["BRIGHTWAY_DB_URL"], report)
            if self.separate_action_server:
                self._start_action_server(env, timeout, report)
            report(f"Starting the Rasa server (log: {self.log_path('Rasa server')})...")
            rasa = self._spawn(
                "Rasa server",
                [
                    *PRIVATE_LOGS, "rasa", "run",
                    "--model", str(self.model),
                    "--port", str(self.rasa_port),
                    "--interface", "127.0.0.1",
                    "--enable-api", f"--auth-token={self.token}",
                    "--endpoints", str(endpoints),
                    "--credentials", str(credentials),
                ],
                rasa_environment(env),
            )
            wait_until_ready(f"{self.rasa_url}/", rasa, "Rasa server", self.log_path("Rasa server"), timeout)
            self._wait_for_model(rasa, timeout)
            desk_env = {**env, "RASA_API_TOKEN": self.token, "BRIGHTWAY_RASA_URL": self.rasa_url}
            report(f"Starting the desk (log: {self.log_path('desk')})...")
            desk = self._spawn(
                "desk",
                [*PRIVATE_LOGS, "desk", "--port", str(self.desk_port)],
                desk_env,
            )
            wait_until_ready(f"{self.desk_url}/health", desk, "desk", self.log_path("desk"), timeout)
            review_env = {
                **desk_env,
                "BRIGHTWAY_TRACKER_DB_URL": self.environ.get("BRIGHTWAY_TRACKER_DB_URL") or self._tracker_db_url(endpoints),
                "BRIGHTWAY_REVIEW_URL": self.review_url,
            }
            report(f"Starting the review app (log: {self.log_path('review app')})...")
            review = self._spawn(
                "review app",
                [*PRIVATE_LOGS, "review_app", "serve", "--host", "127.0.0.1", "--port", str(self.review_port)],
                review_env,
            )
            wait_until_ready(f"{self.review_url}/login", review, "review app", self.log_path("review app"), timeout)
        except BaseException:
            self.stop()
            raise

    def _start_action_server(self, env: Dict[str, str], timeout: float, report: Callable[[str], None]) -> None:
        """Start the separate action server and wait for its health check."""
        report(f"Starting the action server (log: {self.log_path('action server')})...")
        actions = self._spawn(
            "action server",
            [*PRIVATE_LOGS, "rasa_sdk", "--actions", "actions", "--port", str(self.actions_port)],
            env,
        )
        wait_until_ready(f"{self.actions_url}/health", actions, "action server", self.log_path("action server"), timeout)

    def stop(self, report: Callable[[str], None] = _quiet, timeout: float = STOP_TIMEOUT) -> None:
        """Stop the started processes one at a time, last started first: the review app and the
        desk while Rasa still answers them, then Rasa, then the separate action server if any.

        Each gets SIGTERM and `timeout` seconds to finish its work, then SIGKILL; `report`
        receives a line as each one stops.
        """
        while self._processes:
            name, process = self._processes.pop()
            if process.poll() is not None:
                report(f"The {name} had already stopped ({describe_exit(process.returncode)}).")
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                report(f"Stopped the {name} (killed: it did not stop within {timeout:.0f} s).")
                continue
            report(f"Stopped the {name}.")

    def _upgrade_database(self, url: str, report: Callable[[str], None]) -> None:
        """Migrate the project's database before any process opens it (they refuse an old one)."""
        from alembic.util import CommandError as AlembicError  # Alembic and SQLAlchemy load only here
        from sqlalchemy.exc import SQLAlchemyError

        from bot.records.database import SchemaOutdatedError
        from bot.records.schema_migrations import upgrade_database

        try:
            upgrade = upgrade_database(url)
        except (SchemaOutdatedError, SQLAlchemyError, AlembicError) as error:
            raise StartupError(f"The database could not be brought up to date: {error}") from error
        if upgrade is not None:
            report(upgrade.describe())

    def _tracker_db_url(self, endpoints: Path) -> str:
        """SQLAlchemy URL of Rasa's tracker store, for the review app to read conversations."""
        tracker = (yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}).get("tracker_store") or {}
        if tracker.get("dialect", "sqlite") == "sqlite":
            return f"sqlite:///{tracker.get('db', self.var_dir / 'tracker.db')}"
        user = tracker.get("username") or ""
        password = f":{tracker['password']}" if tracker.get("password") else ""
        auth = f"{user}{password}@" if user else ""
        port = f":{tracker['port']}" if tracker.get("port") else ""
        return f"postgresql://{auth}{tracker.get('url', 'localhost')}{port}/{tracker.get('db', 'rasa')}"

    def process_id(self, name: str) -> Optional[int]:
        """The operating-system id of a started process ("Rasa server", "action server", ...), for
        benchmarks that read its CPU time; None when it is not running."""
        for started, process in self._processes:
            if started == name and process.poll() is None:
                return process.pid
        return None

    def first_ended(self) -> Optional[Tuple[str, int]]:
        """The first started process that has ended on its own, as (name, exit code), or None while
        all of them run: the launcher watches for it so that a crashed Rasa does not go unnoticed."""
        for name, process in self._processes:
            code = process.poll()
            if code is not None:
                return name, code
        return None

    def _channels_with_operations(self) -> Dict[str, object]:
        """The enabled channels plus readiness and the action gateway (running the `actions`
        package in process, or calling our separate action server)."""
        where = {"url": f"{self.actions_url}/webhook"} if self.separate_action_server else {"actions_module": "actions"}
        gateway = {**where, "timeout_seconds": self.action_timeout or DEFAULT_ACTION_TIMEOUT}
        return {**self.channels.enabled, HEALTH_CHANNEL: None, ACTION_GATEWAY: gateway}

    def _spawn(self, name: str, command: List[str], env: Dict[str, str]) -> subprocess.Popen:
        """Start one process with its output in `var/<name>.log`, in a session of its own: the
        terminal's Ctrl-C reaches only the launcher, which then stops the processes in order."""
        with self.log_path(name).open("ab") as log:
            process = subprocess.Popen(
                command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._processes.append((name, process))
        return process

    def log_path(self, name: str) -> Path:
        """Where a process's output goes (`var/<name>.log`)."""
        return self.var_dir / (name.replace(" ", "_").lower() + ".log")

    def _wait_for_model(self, rasa: subprocess.Popen, timeout: float) -> None:
        """Rasa answers `/` before the model is loaded; wait for `/status` to name the model."""
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"{self.rasa_url}/status?token={self.token}")
        while time.monotonic() < deadline:
            if rasa.poll() is not None:
                raise StartupError(f"The Rasa server stopped while loading the model; see {self.log_path('Rasa server')}.")
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if b"model_file" in response.read():
                        return
            except urllib.error.HTTPError as error:
                error.close()
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.25)
        raise StartupError(
            f"The Rasa server did not load the model within {timeout:.0f} s; see {self.log_path('Rasa server')}."
        )
