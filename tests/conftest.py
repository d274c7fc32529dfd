"""Fixtures shared across the test suite."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator

import pytest
import yaml
from sqlalchemy.engine import Engine

from bot.handoff.desk_notice import LogDesk
from bot.records.database import create_database_engine
from bot.records.schema_migrations import create_schema
from bot.services import Services, build_services
from bot.settings import REPO_ROOT, Settings
from tests.builders import ManualClock

if TYPE_CHECKING:
    from tests.review_app.fake_rasa_api import FakeRasaApi
    from tests.review_app.sample_conversations import TrackerDatabase

FAKE_RASA_API_TOKEN = "test-api-token"

# --- Unit-test fixtures (tests/bot, tests/actions): real SQLite in tmp_path, a manual clock ----


@pytest.fixture
def clock() -> ManualClock:
    """A clock fixed at Wednesday noon UTC (desk open) that tests move by hand."""
    return ManualClock()


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the project's schema, created once (creating tables costs fsyncs)."""
    path = tmp_path_factory.mktemp("schema") / "template.db"
    engine = create_database_engine(f"sqlite:///{path}")
    create_schema(engine)
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path: Path, schema_template: Path) -> str:
    """A fresh SQLite database file for this test, its tables already created."""
    shutil.copyfile(schema_template, tmp_path / "t.db")
    return f"sqlite:///{tmp_path}/t.db"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's database with the project's schema created."""
    engine = create_database_engine(database_url)
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def desk_outbox(tmp_path: Path) -> Path:
    """The JSON-lines file the log desk writes handoff notices to."""
    return tmp_path / "desk.jsonl"


@pytest.fixture
def services(database_url: str, clock: ManualClock, desk_outbox: Path) -> Services:
    """The real services the actions use, on this test's database, clock and desk file."""
    return build_services(
        settings=Settings(database_url=database_url), clock=clock, desk=LogDesk(desk_outbox)
    )


@pytest.fixture(scope="session")
def shop_services(tmp_path_factory: pytest.TempPathFactory, schema_template: Path) -> Services:
    """Real services shared by tests of actions that only read shop data (orders, products,
    policies) and store nothing; built once because building services parses every YAML file."""
    folder = tmp_path_factory.mktemp("shop")
    shutil.copyfile(schema_template, folder / "t.db")
    return build_services(
        settings=Settings(database_url=f"sqlite:///{folder}/t.db"),
        clock=ManualClock(),
        desk=LogDesk(folder / "desk.jsonl"),
    )


@pytest.fixture(scope="session")
def domain_dict() -> Dict[str, Any]:
    """The project's domain as a plain dict (what the action server receives)."""
    return yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def tracker_db(tmp_path: Path) -> Iterator["TrackerDatabase"]:
    """A real Rasa SQL tracker store for this test (Rasa imported here: warnings raised while pytest
    loads a conftest escape the configured filters)."""
    from tests.review_app.sample_conversations import TrackerDatabase

    tracker = TrackerDatabase(tmp_path / "tracker.db")
    yield tracker
    tracker.close()


@pytest.fixture
def fake_rasa(tracker_db: "TrackerDatabase") -> Iterator["FakeRasaApi"]:
    """A fake Rasa HTTP API on loopback (what the desk and the review app call), keeping
    conversations in the test's tracker store."""
    from tests.review_app.fake_rasa_api import FakeRasaApi

    with FakeRasaApi(FAKE_RASA_API_TOKEN, tracker_db) as fake:
        yield fake
