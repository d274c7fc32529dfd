"""The Alembic migrations build exactly the tables the code defines, on a real PostgreSQL, and
upgrade databases that `create_schema` made before migrations existed."""

from __future__ import annotations

from typing import Any, Iterator, List

import pytest
import sqlalchemy as sa

from bot.database import create_database_engine, create_schema, metadata
from bot.settings import REPO_ROOT
from channels.tables import create_channel_tables
from tests.local_services import PostgresServer
from tests.service_fixtures import postgres_server, service_root  # noqa: F401  (fixtures)

alembic = pytest.importorskip("alembic", reason="alembic is pinned in requirements.txt: run `make setup`")
from alembic import command  # noqa: E402
from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext  # noqa: E402

pytestmark = pytest.mark.slow


def alembic_config(url: str) -> Config:
    """The repository's alembic.ini, aimed at `url`, leaving pytest's logging alone."""
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    return config


def differences(engine: sa.engine.Engine) -> List[Any]:
    """What autogenerate would still change: empty when migrations and code agree."""
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), metadata)


@pytest.fixture
def database(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database for one test."""
    yield postgres_server.create_database("mig_" + request.node.name.lower()[5:40])


def test_upgrade_builds_the_schema_the_code_defines(database: str) -> None:
    command.upgrade(alembic_config(database), "head")
    engine = create_database_engine(database)

    assert differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    engine.dispose()


def test_upgrade_adopts_a_database_made_before_migrations(database: str) -> None:
    engine = create_database_engine(database)
    create_schema(engine)
    create_channel_tables(engine)

    command.upgrade(alembic_config(database), "head")

    assert differences(engine) == []
    engine.dispose()


def test_downgrade_removes_the_tables(database: str) -> None:
    config = alembic_config(database)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = create_database_engine(database)

    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
