"""The Alembic migrations build exactly the tables the code defines, on a real PostgreSQL, and
upgrade databases that `create_schema` made before migrations existed."""

from __future__ import annotations

from typing import Any, Iterator, List

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.records.database import create_database_engine, metadata
from bot.records.schema_migrations import create_schema
from bot.records.schema_migrations import alembic_config, head_revision
from bot.records.tables import load_table_definitions
from tests.local_services import PostgresServer
from tests.service_fixtures import postgres_server, service_root  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow


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
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    engine.dispose()


def test_upgrade_adopts_a_database_made_before_migrations(database: str) -> None:
    engine = create_database_engine(database)
    load_table_definitions().create_all(engine)  # what create_schema did before migrations

    command.upgrade(alembic_config(database), "head")

    assert differences(engine) == []
    engine.dispose()


def test_upgrade_repairs_old_shapes_adopted_at_the_baseline(database: str) -> None:
    config = alembic_config(database)
    command.upgrade(config, "0001")
    engine = create_database_engine(database)
    with engine.begin() as connection:  # the shapes an older version left behind
        connection.exec_driver_sql("DROP INDEX one_active_handoff_per_conversation")
        connection.exec_driver_sql("ALTER TABLE handoff_digests ADD COLUMN search_text TEXT NOT NULL")
        for handoff_id, hour in (("H-OLDER", 10), ("H-NEWER", 11)):
            connection.exec_driver_sql(
                "INSERT INTO handoffs (id, conversation_id, channel, customer, reason, frustration_score, signals,"
                " status, created_at, escalation_count, relayed_events, transcript)"
                f" VALUES ('{handoff_id}', 'c-2', 'rest', 'c-2', 'frustration', 0.9, '[]', 'open',"
                f" '2026-11-21 {hour}:00:00', 0, 0, '[]')"
            )

    command.upgrade(config, "head")

    assert differences(engine) == []
    with engine.connect() as connection:
        statuses = dict(connection.exec_driver_sql("SELECT id, status FROM handoffs").all())
    assert statuses == {"H-OLDER": "resolved", "H-NEWER": "open"}
    engine.dispose()


def test_a_service_creates_a_new_database_at_the_newest_migration(database: str) -> None:
    engine = create_database_engine(database)
    create_schema(engine)

    assert differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    engine.dispose()


def test_downgrade_removes_the_tables(database: str) -> None:
    config = alembic_config(database)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = create_database_engine(database)

    assert set(sa.inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
