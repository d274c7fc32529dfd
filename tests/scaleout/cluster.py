"""Two `rasa run` instances on real PostgreSQL and Redis, started as docs/deploy.md says (tables
first, `endpoints.production.yml`, logs kept clean), for the tests. The custom actions run inside
each instance (the default), or with `separate_actions` in one separate action server; they are
the project's actions with faults on demand (`tests.fakes.faulty_actions`, `set_action_fault`).

`BRIGHTWAY_SCALEOUT_LOCK_STORE=rasa` swaps in Rasa's own `redis` lock store, to watch the
multi-instance tests fail on the race it has (RasaHQ/rasa#9213).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import httpx
import yaml

from bot.launcher.processes import StartupError, wait_until_ready
from bot.records.database import create_database_engine
from bot.records.schema_migrations import create_schema
from bot.settings import REPO_ROOT
from channels.tables import create_channel_tables
from tests.local_services import PostgresServer, RedisServer, free_port

LOCK_STORE_VARIANT = os.environ.get("BRIGHTWAY_SCALEOUT_LOCK_STORE", "ours")
TOKEN = "scaleout-token"
GATEWAY_TIMEOUT_SECONDS = 2.0
HANG_SECONDS = 6.0  # how long `tests.fakes.faulty_actions` blocks a `fault-hang-` call
FALLBACK_WINDOW_SECONDS = 5.0
START_TIMEOUT = 300.0


@dataclass
class Process:
    """A started server: its command, log file and process handle."""

    name: str
    command: List[str]
    env: Dict[str, str]
    log: Path
    popen: Optional[subprocess.Popen] = None

    def start(self) -> None:
        """Start it with its output appended to its log."""
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                self.command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def signal(self, signum: int) -> None:
        """Send `signum` to the process group (the server and anything it started)."""
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signum)

    def stop(self, kill: bool = False) -> None:
        """SIGKILL at once (`kill`), or SIGTERM and SIGKILL after 10 s."""
        if self.popen is None:
            return
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait()
        self.popen = None


@dataclass
class Cluster:
    """The servers of one production-like deployment on this machine."""

    model: Path
    run_dir: Path
    postgres: PostgresServer
    redis: RedisServer
    extra_env: Mapping[str, str] = field(default_factory=dict)
    extra_channels: Mapping[str, Any] = field(default_factory=dict)
    instance_count: int = 2
    separate_actions: bool = False
    actions_module: str = "tests.fakes.faulty_actions"
    actions_port: int = field(default_factory=free_port)
    rasa_ports: List[int] = field(default_factory=list)
    actions: Optional[Process] = None
    instances: List[Process] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Pick the instances' ports."""
        self.rasa_ports = self.rasa_ports or [free_port() for _ in range(self.instance_count)]

    @property
    def project_db_url(self) -> str:
        """The project's own tables (handoffs, tickets, channels)."""
        return self.postgres.url("brightway")

    @property
    def tracker_db_url(self) -> str:
        """Rasa's conversations."""
        return self.postgres.url("rasa")

    def url(self, index: int) -> str:
        """Base URL of instance `index`."""
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    def start(self) -> None:
        """Create the tables, then start the separate action server (if any) and every instance
        (in parallel)."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.postgres.create_database("brightway")
        self.postgres.create_database("rasa")
        engine = create_database_engine(self.project_db_url)
        create_schema(engine)
        create_channel_tables(engine)
        engine.dispose()
        self._write_credentials()
        if self.separate_actions:
            self.actions = Process(
                "actions",
                [sys.executable, "-m", "bot.server.entry", "-m", "rasa_sdk", "--actions", self.actions_module,
                 "--port", str(self.actions_port)],
                self._env(), self.run_dir / "actions.log",
            )
            self.start_actions()
        self.instances = [self._instance(index) for index in range(len(self.rasa_ports))]
        for index in range(len(self.instances)):
            self.instances[index].start()
        for index in range(len(self.instances)):
            self.wait_for_instance(index)

    def stop(self) -> None:
        """Stop everything this cluster started."""
        for process in [*self.instances, self.actions]:
            if process is not None:
                process.stop()

    def start_actions(self) -> None:
        """(Re)start the action server and wait for its health check."""
        assert self.actions is not None
        self.actions.start()
        assert self.actions.popen is not None
        self.wait_for_actions()

    def wait_for_actions(self) -> None:
        """Wait until the separate action server (if any) answers its health check again."""
        if self.actions is None or self.actions.popen is None:
            return
        wait_until_ready(f"http://127.0.0.1:{self.actions_port}/health", self.actions.popen,
                         "action server", self.actions.log, START_TIMEOUT)

    def set_action_fault(self, fault: str) -> None:
        """Make `action_answer_policy` "raise" or "hang" from now on, wherever it runs ("": behave)."""
        switch = self.run_dir / "action-fault"
        if fault:
            switch.write_text(fault, encoding="utf-8")
        else:
            switch.unlink(missing_ok=True)

    def start_instance(self, index: int) -> None:
        """(Re)start instance `index` and wait until it is ready."""
        self.instances[index].start()
        self.wait_for_instance(index)

    def wait_for_instance(self, index: int) -> None:
        """Wait until instance `index` reports ready (model loaded, stores answering)."""
        process = self.instances[index]
        if process.popen is None:
            raise StartupError(f"{process.name} is not running")
        wait_until_ready(f"{self.url(index)}/webhooks/health/ready", process.popen, process.name,
                         process.log, START_TIMEOUT)

    def say(self, index: int, sender: str, text: str, timeout: float = 60) -> List[Dict[str, Any]]:
        """Send `text` through instance `index`'s REST channel; the bot's replies."""
        response = httpx.post(
            f"{self.url(index)}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
        )
        response.raise_for_status()
        return list(response.json())

    def tracker_events(self, sender: str, index: int = 0) -> List[Dict[str, Any]]:
        """Every stored event of a conversation, through instance `index`'s HTTP API."""
        response = httpx.get(
            f"{self.url(index)}/conversations/{sender}/tracker",
            params={"token": TOKEN, "include_events": "ALL"}, timeout=60,
        )
        response.raise_for_status()
        return list(response.json()["events"])

    def log_files(self) -> List[Path]:
        """Every log the servers wrote."""
        return sorted(self.run_dir.glob("*.log"))

    def _instance(self, index: int) -> Process:
        port = self.rasa_ports[index]
        env = {**self._env(), "BRIGHTWAY_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{port}/webhooks/action_gateway/webhook"}
        command = [
            sys.executable, "-m", "bot.server.entry", "-m", "rasa", "run", "--model", str(self.model),
            "--port", str(port), "--interface", "127.0.0.1", "--enable-api", "--auth-token", TOKEN,
            "--endpoints", str(self._endpoints()), "--credentials", str(self.run_dir / "credentials.yml"),
        ]
        return Process(f"rasa-{index}", command, env, self.run_dir / f"rasa-{index}.log")

    def _env(self) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIGHTWAY_", "RASA_API_TOKEN"))}
        env.update({
            "BRIGHTWAY_DB_URL": self.project_db_url,
            "BRIGHTWAY_DEDUPE_URL": self.redis.url(0),
            "BRIGHTWAY_TRACKER_DB_URL": self.tracker_db_url,
            "BRIGHTWAY_LOCK_REDIS_URL": self.redis.url(1),
            "BRIGHTWAY_ACTION_SERVER_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            "FAULTY_ACTIONS_HANG_SECONDS": str(HANG_SECONDS),
            "FAULTY_ACTIONS_SWITCH": str(self.run_dir / "action-fault"),
        })
        env.update(self.extra_env)
        return env

    def _endpoints(self) -> Path:
        production = REPO_ROOT / "endpoints.production.yml"
        if LOCK_STORE_VARIANT != "rasa":
            return production
        endpoints = yaml.safe_load(production.read_text(encoding="utf-8"))
        endpoints["lock_store"] = {"type": "redis", "url": "127.0.0.1", "port": self.redis.port, "db": 1}
        variant = self.run_dir / "endpoints.rasa-lock-store.yml"
        variant.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
        return variant

    def _write_credentials(self) -> None:
        credentials = {
            "channels.rest_guard.GuardedRestInput": None,
            "bot.server.health.HealthInput": {"fallback_window_seconds": FALLBACK_WINDOW_SECONDS},
            "bot.server.action_gateway.ActionGatewayInput": {
                **({"url": "${BRIGHTWAY_ACTION_SERVER_URL}"} if self.separate_actions
                   else {"actions_module": self.actions_module}),
                "timeout_seconds": GATEWAY_TIMEOUT_SECONDS,
            },
            **self.extra_channels,
        }
        (self.run_dir / "credentials.yml").write_text(yaml.safe_dump(credentials), encoding="utf-8")


def run_in_parallel(calls: List[Any]) -> List[Any]:
    """Run zero-argument callables in threads at once; their results (or exceptions) in order."""
    results: List[Any] = [None] * len(calls)

    def run(position: int) -> None:
        try:
            results[position] = calls[position]()
        except Exception as error:  # reported to the caller, who asserts on it
            results[position] = error

    threads = [threading.Thread(target=run, args=(position,)) for position in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
