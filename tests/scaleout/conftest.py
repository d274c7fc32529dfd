"""Scale-out fixtures: one production-like cluster (PostgreSQL, Redis, two Rasa instances running
the custom actions in process, a fake Telegram API) shared by the tests of this folder, which run
in file order; and, for the action fault tests, a one-instance cluster with a separate action server."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from bot.launcher.processes import train
from bot.settings import REPO_ROOT
from tests.fakes.channel_assistant import CHANNEL_CREDENTIALS, PlatformSecrets
from tests.fakes.telegram_api import FakeTelegramApi
from tests.local_services import PostgresServer, RedisServer
from tests.scaleout.cluster import Cluster
from tests.service_fixtures import skip_if_missing, service_root  # noqa: F401  (fixture)

SECRETS = PlatformSecrets()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The project's model, trained now if data or config changed (Rasa skips it otherwise)."""
    return train(REPO_ROOT / "models")


@pytest.fixture(scope="session")
def telegram_api() -> Iterator[FakeTelegramApi]:
    """A fake Telegram Bot API on loopback."""
    with FakeTelegramApi(SECRETS.telegram_token) as fake:
        yield fake


def running_cluster(folder: Path, model: Path, **options: Any) -> Iterator[Cluster]:
    """A cluster with its own PostgreSQL and Redis under `folder` (that fault tests may restart),
    started, then stopped with them."""
    skip_if_missing("PostgreSQL")
    skip_if_missing("redis-server")
    postgres = PostgresServer(folder)
    redis = RedisServer(folder)
    postgres.start()
    redis.start()
    running = Cluster(model, folder / "run", postgres, redis, **options)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        redis.stop()
        postgres.stop(mode="immediate")


@pytest.fixture(scope="session")
def cluster(
    trained_model: Path, service_root: Path, telegram_api: FakeTelegramApi
) -> Iterator[Cluster]:
    """The running cluster: two instances running the custom actions in process, Telegram on."""
    telegram_env = {
        "TELEGRAM_BOT_TOKEN": SECRETS.telegram_token,
        "TELEGRAM_WEBHOOK_SECRET": SECRETS.telegram_secret,
        "TELEGRAM_API_BASE_URL": telegram_api.url,
    }
    telegram = {"channels.telegram.TelegramInput": CHANNEL_CREDENTIALS["channels.telegram.TelegramInput"]}
    yield from running_cluster(
        service_root / "cluster", trained_model, extra_env=telegram_env, extra_channels=telegram
    )


@pytest.fixture(scope="session")
def separate_actions_cluster(trained_model: Path, service_root: Path) -> Iterator[Cluster]:
    """One Rasa instance calling a separate action server."""
    yield from running_cluster(service_root / "separate", trained_model, instance_count=1, separate_actions=True)
