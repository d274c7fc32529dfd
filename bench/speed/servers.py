"""How the bench serves each bot.

- The references run `rasa run` with the REST channel only and Rasa's defaults otherwise (in-memory
  tracker store, no action server: the `rasa init` bot has no custom actions).
- Ours runs as `make run` runs it (same commands, the launcher's malloc settings, generated
  endpoints and credentials: SQLite tracker store from `endpoints.yml`, custom actions run inside
  the Rasa process by the action gateway's `actions_module`, no action server process; the
  `bot.server.entry` wrapper, with log privacy and without jax and h5py), with the Telegram
  adapter switched on against a fake Bot API. Two instances share the SQLite files, take
  conversation locks in Redis (`bot.server.lock_store.RedisTicketLockStore`, as in
  `endpoints.production.yml`) and dedupe webhooks in Redis, as docs/deploy.md runs several instances.
The desk and the review app are left out: they are not on a message's path.
"""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import yaml

from bench.speed.processes import ServerProcess, clean_environment, http_ok, resident_bytes, spawn, wait_until
from bot.launcher.processes import (
    ACTION_GATEWAY, DEFAULT_ACTION_TIMEOUT, HEALTH_CHANNEL, PRIVATE_LOGS, rasa_environment, write_endpoints,
)
from bot.settings import REPO_ROOT
from tests.fakes.channel_assistant import CHANNEL_CREDENTIALS, PlatformSecrets
from tests.local_services import RedisServer, free_port

START_TIMEOUT_S = 300.0
API_TOKEN = "speed-bench-token"
LIFTED_PACING = {"TELEGRAM_PACE_PER_SECOND": "1000", "TELEGRAM_PACE_BURST": "1000"}


@dataclass
class Deployment:
    """The running processes of one bot: Rasa instances (ours run the custom actions inside), optional Redis."""

    name: str
    instances: List[ServerProcess]
    ports: List[int]
    ours: bool = False
    redis: Optional[RedisServer] = None

    @property
    def urls(self) -> List[str]:
        """Base URL of every Rasa instance."""
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def memory(self) -> Dict[str, int]:
        """Resident bytes after the run: per Rasa instance (max), all Rasa instances, Redis (no other
        server process runs: the custom actions are inside Rasa)."""
        rasa = [server.rss_bytes() for server in self.instances]
        redis = _redis_rss(self.redis)
        return {
            "rasa_per_instance": max(rasa),
            "rasa_total": sum(rasa),
            "redis": redis,
            "total": sum(rasa) + redis,
        }

    def stop(self) -> None:
        """Stop every process of this deployment, Redis last."""
        for server in self.instances:
            server.stop()
        if self.redis is not None:
            self.redis.stop()


def fresh_folder(folder: Path) -> Path:
    """`folder`, emptied: conversations, dedupe records and logs of an earlier run must not leak in."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def start_reference(name: str, model: Path, run_dir: Path) -> Deployment:
    """`rasa run` with the REST channel in an emptied `run_dir` (not waiting for it)."""
    fresh_folder(run_dir)
    credentials = run_dir / "credentials.yml"
    credentials.write_text(yaml.safe_dump({"rest": None}), encoding="utf-8")
    endpoints = run_dir / "endpoints.yml"
    endpoints.write_text("{}\n", encoding="utf-8")
    port = free_port()
    command = [
        sys.executable, "-m", "rasa", "run", "--model", str(model), "--port", str(port),
        "--interface", "127.0.0.1", "--credentials", str(credentials), "--endpoints", str(endpoints),
    ]
    server = spawn(f"rasa ({name})", command, clean_environment(), run_dir / "rasa.log", cwd=run_dir)
    return Deployment(name, [server], [port])


def start_ours(
    name: str, model: Path, run_dir: Path, instance_count: int, telegram_api_url: str, secrets: PlatformSecrets,
    env_changes: Optional[Mapping[str, Optional[str]]] = None, code_dir: Path = REPO_ROOT,
) -> Deployment:
    """Our assistant with `instance_count` Rasa instances (2 adds Redis for locks and dedupe), in an
    emptied `run_dir`; the Rasa instances are still starting when it returns. `env_changes` set
    (or, for None, remove) variables of the Rasa processes' environment after the launcher's own.
    `code_dir` is the checkout the Rasa processes run from (their working directory, which
    `python -m` puts first on sys.path, ahead of PYTHONPATH)."""
    fresh_folder(run_dir)
    env = rasa_environment(clean_environment({
        "BRIGHTWAY_DB_URL": f"sqlite:///{run_dir / 'brightway.db'}",
        "TELEGRAM_BOT_TOKEN": secrets.telegram_token,
        "TELEGRAM_WEBHOOK_SECRET": secrets.telegram_secret,
        "TELEGRAM_API_BASE_URL": telegram_api_url,
        **LIFTED_PACING,
    }))
    for variable, value in (env_changes or {}).items():
        if value is None:
            env.pop(variable, None)
        else:
            env[variable] = value
    deployment = Deployment(name, [], [], ours=True)
    try:
        lock_store = None
        if instance_count > 1:
            deployment.redis = RedisServer(run_dir)
            deployment.redis.start()
            env["BRIGHTWAY_DEDUPE_URL"] = deployment.redis.url(0)
            lock_store = {
                "type": "bot.server.lock_store.RedisTicketLockStore", "url": deployment.redis.url(1),
                "key_prefix": "brightway", "lock_lifetime": 60,
            }
        for index in range(instance_count):
            _start_instance(deployment, index, model, run_dir, env, lock_store, code_dir)
    except BaseException:
        deployment.stop()
        raise
    return deployment


@contextmanager
def serving_trees(
    model: Path, trees: Sequence[Tuple[str, Path]], work_dir: Path, telegram_api_url: str, secrets: PlatformSecrets,
    instance_count: int = 1,
) -> Iterator[List[Tuple[str, Deployment]]]:
    """Our assistant with `instance_count` instances per (label, code tree), each run from its tree in
    `work_dir`/label, all serving when entered; every one is stopped on exit (to compare code trees
    on one machine)."""
    deployments: List[Tuple[str, Deployment]] = []
    try:
        for label, tree in trees:
            deployment = start_ours(
                label, model, work_dir / label, instance_count, telegram_api_url, secrets,
                env_changes={"PYTHONPATH": str(tree.resolve())}, code_dir=tree.resolve(),
            )
            deployments.append((label, deployment))
        for _, deployment in deployments:
            wait_until_serving(deployment)
        yield deployments
    finally:
        for _, deployment in deployments:
            deployment.stop()


def wait_until_serving(deployment: Deployment) -> None:
    """Block until every instance of `deployment` is ready (model loaded, stores answering)."""
    for server, url in zip(deployment.instances, deployment.urls):
        if deployment.ours:
            wait_until(server, lambda url=url: http_ok(f"{url}/webhooks/health/ready"), START_TIMEOUT_S)
        else:
            hello = b'{"sender": "speed-bench-warmup", "message": "hi"}'
            wait_until(
                server, lambda url=url: http_ok(f"{url}/webhooks/rest/webhook", hello, needs_content=True),
                START_TIMEOUT_S, poll_s=1.0,
            )


def _start_instance(
    deployment: Deployment, index: int, model: Path, run_dir: Path, env: Dict[str, str],
    lock_store: Optional[Dict[str, object]], code_dir: Path = REPO_ROOT,
) -> None:
    """Start instance `index`'s `rasa run` (not waiting), its custom actions in process as `make run` has them."""
    rasa_port = free_port()
    endpoints = write_endpoints(
        REPO_ROOT / "endpoints.yml", run_dir / f"endpoints-{index}.yml", 0, run_dir,
        f"http://127.0.0.1:{rasa_port}/webhooks/action_gateway/webhook",
    )
    if lock_store is not None:
        content = yaml.safe_load(endpoints.read_text(encoding="utf-8"))
        content["lock_store"] = lock_store
        endpoints.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    credentials = run_dir / f"credentials-{index}.yml"
    credentials.write_text(yaml.safe_dump({
        "channels.rest_guard.GuardedRestInput": None,
        HEALTH_CHANNEL: None,
        ACTION_GATEWAY: {"actions_module": "actions", "timeout_seconds": DEFAULT_ACTION_TIMEOUT},
        "channels.telegram.TelegramInput": CHANNEL_CREDENTIALS["channels.telegram.TelegramInput"],
    }), encoding="utf-8")
    command = [
        *PRIVATE_LOGS, "rasa", "run", "--model", str(model), "--port", str(rasa_port),
        "--interface", "127.0.0.1", "--enable-api", f"--auth-token={API_TOKEN}",
        "--endpoints", str(endpoints), "--credentials", str(credentials),
    ]
    deployment.instances.append(
        spawn(f"rasa {index} ({deployment.name})", command, env, run_dir / f"rasa-{index}.log", cwd=code_dir)
    )
    deployment.ports.append(rasa_port)


def _redis_rss(redis: Optional[RedisServer]) -> int:
    pid = redis.pid if redis is not None else None
    return resident_bytes(pid) if pid else 0
