"""Review-app fixtures: a real app on a real SQLite database and tracker store, users, log-in helpers.

matplotlib and Rasa are imported inside fixtures: warnings raised while pytest loads a conftest
given on the command line escape the configured filters.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import pytest
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.clock import Clock
from bot.handoff.store import HandoffStore
from bot.records.database import create_database_engine, metadata
from bot.records.schema_migrations import create_schema
from review_app.config import ReviewConfig
from review_app.services import ReviewServices
from tests.builders import ManualClock
from tests.conftest import FAKE_RASA_API_TOKEN
from tests.review_app.web_client import LEAD_PASSWORD, log_in

if TYPE_CHECKING:
    from tests.review_app.sample_conversations import TrackerDatabase



@pytest.fixture(scope="session")
def hasher() -> PasswordHasher:
    """Real argon2id with small costs, so the many log-ins of the tests stay fast."""
    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


@pytest.fixture
def database_url(database_url: str) -> str:
    """The test database: SQLite by default; a freshly emptied PostgreSQL database when
    `BRIGHTWAY_TEST_POSTGRES_URL` is set (e.g. postgresql://postgres@127.0.0.1:5432/review_test)."""
    postgres_url = os.environ.get("BRIGHTWAY_TEST_POSTGRES_URL")
    if not postgres_url:
        return database_url
    engine = create_database_engine(postgres_url)
    create_schema(engine)
    metadata.drop_all(engine)
    create_schema(engine)
    engine.dispose()
    return postgres_url


@pytest.fixture
def rasa_url() -> str:
    """Where the app finds Rasa: nowhere (port 9) unless a module overrides this with `fake_rasa`'s URL."""
    return "http://127.0.0.1:9"


@pytest.fixture
def review_config(database_url: str, tracker_db: "TrackerDatabase", rasa_url: str) -> ReviewConfig:
    """Config on the test's databases, five rows a page."""
    return ReviewConfig(
        database_url=database_url, tracker_database_url=tracker_db.url, secret_key="s" * 48,
        rasa_url=rasa_url, rasa_token=FAKE_RASA_API_TOKEN, page_size=5,
    )


def build_app(config: ReviewConfig, clock: Clock, hasher: PasswordHasher) -> Starlette:
    """The real app with three users: lead `lea` and agents `adam` and `bea`."""
    from review_app.server import create_app

    application = create_app(config, clock=clock, hasher=hasher)
    users = services(application).users
    users.create("lea", "lead", LEAD_PASSWORD)
    users.create("adam", "agent", LEAD_PASSWORD)
    users.create("bea", "agent", LEAD_PASSWORD)
    return application


@pytest.fixture
def app(review_config: ReviewConfig, clock: ManualClock, hasher: PasswordHasher) -> Starlette:
    """The real app on the test's manual clock, with its three users."""
    return build_app(review_config, clock, hasher)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    """An anonymous browser-like client over HTTPS (the session cookie is Secure)."""
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def lead(client: TestClient) -> TestClient:
    """The client, logged in as the lead."""
    log_in(client, "lea")
    return client


@pytest.fixture
def make_client(app: Starlette) -> Iterator[Callable[[], TestClient]]:
    """Extra clients (separate cookie jars) on the same app, e.g. a second agent."""
    clients = []

    def make() -> TestClient:
        test_client = TestClient(app, base_url="https://testserver")
        test_client.__enter__()
        clients.append(test_client)
        return test_client

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)


@pytest.fixture
def handoffs(app: Starlette) -> HandoffStore:
    """The app's handoff store (same database and clock)."""
    return services(app).handoffs


def services(app: Starlette) -> ReviewServices:
    """The services of `app`."""
    return app.state.services
