"""Tests for bot/records/schema_migrations.py (and `create_schema`): new databases are created at the newest
migration, databases from older versions are refused with what to run, and upgraded."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import sqlite3
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.records.database import SchemaOutdatedError, create_database_engine
from bot.records.schema_migrations import create_schema
from bot.records.schema_migrations import alembic_config, current_revision, head_revision, upgrade_database

from bot.records.tables import load_table_definitions
from review_app.handoffs.digest import HandoffDigests, handoff_terms_table
from review_app.handoffs.queries import HandoffFilter, HandoffQueries
from tests.local_services import PostgresServer
from tests.pre_migration_store import build_pre_migration_store, table_columns
from tests.service_fixtures import postgres_server, service_root  # noqa: F401  (pytest fixtures)


def revision_of(url: str) -> object:
    """The Alembic revision the database at `url` is at."""
    engine = create_database_engine(url)
    with engine.connect() as connection:
        revision = current_revision(connection)
    engine.dispose()
    return revision


def statuses(path: Path) -> dict:
    """Status of every handoff in the SQLite file at `path`."""
    connection = sqlite3.connect(path)
    try:
        return dict(connection.execute("SELECT id, status FROM handoffs"))
    finally:
        connection.close()


def test_a_new_database_gets_every_table_at_the_newest_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new.db"
    engine = create_database_engine(url)
    create_schema(engine)
    create_schema(engine)

    assert revision_of(url) == head_revision()
    assert set(load_table_definitions().tables) <= set(sa.inspect(engine).get_table_names())
    engine.dispose()


def test_a_database_from_an_older_version_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_database_engine(build_pre_migration_store(path))

    with pytest.raises(SchemaOutdatedError) as refused:
        create_schema(engine)

    message = str(refused.value)
    assert f"The database sqlite:///{path} was made by an older version" in message
    assert f"BRIGHTWAY_DB_URL='sqlite:///{path}' .venv/bin/python -m alembic upgrade head" in message
    assert "search_text" in table_columns(path, "handoff_digests"), "refusing must leave the database alone"
    engine.dispose()


def test_upgrading_an_old_database_repairs_its_tables_and_keeps_its_records(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = build_pre_migration_store(path)

    upgrade = upgrade_database(url)

    assert upgrade is not None and (upgrade.from_revision, upgrade.to_revision) == (None, head_revision())
    assert "made by an older version" in upgrade.describe()
    assert revision_of(url) == head_revision()
    assert table_columns(path, "handoff_digests") == ["handoff_id", "customer_messages"]
    # The old code let c-2 have two open handoffs; the newer one stays with its agent.
    assert statuses(path) == {"H-RESOLVED": "resolved", "H-OLDER": "resolved", "H-NEWER": "claimed"}
    engine = create_database_engine(url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), load_table_definitions()) == []
    create_schema(engine)
    engine.dispose()


def test_an_upgraded_database_digests_and_finds_its_old_handoffs(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = build_pre_migration_store(path)
    upgrade_database(url)
    engine = create_database_engine(url)

    assert HandoffDigests(engine).sync() == 3
    queries = HandoffQueries(engine)
    assert [h.id for h in queries.page(HandoffFilter(search="parcel")).rows] == ["H-RESOLVED"]
    assert {h.id for h in queries.page(HandoffFilter(search="kettle")).rows} == {"H-NEWER", "H-OLDER"}
    engine.dispose()
    connection = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"), connection:  # one active handoff per conversation
        connection.execute("UPDATE handoffs SET status = 'open' WHERE id = 'H-OLDER'")
    connection.close()


def test_a_database_adopted_at_the_baseline_with_old_shapes_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "adopted.db"
    url = build_pre_migration_store(path)
    command.upgrade(alembic_config(url), "0001")  # what `alembic upgrade head` did before 0002 existed
    assert "search_text" in table_columns(path, "handoff_digests")

    assert upgrade_database(url).from_revision == "0001"
    assert "search_text" not in table_columns(path, "handoff_digests")


def test_upgrading_a_current_or_new_database_does_nothing_visible(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"

    assert upgrade_database(url) is None
    assert revision_of(url) == head_revision()
    assert upgrade_database(url) is None


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/newer.db"
    engine = create_database_engine(url)
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))

    with pytest.raises(SchemaOutdatedError, match="revision 9999, which this version does not know"):
        create_schema(engine)
    with pytest.raises(SchemaOutdatedError, match="a newer version of Brightway wrote it"):
        upgrade_database(url)
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(handoff_terms_table)).scalar() == 0
    engine.dispose()


def test_a_database_made_before_migrations_in_todays_shape_is_adopted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/unversioned.db"
    engine = create_database_engine(url)
    load_table_definitions().create_all(engine)  # what create_schema did before migrations

    assert upgrade_database(url).from_revision is None
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), load_table_definitions()) == []
    create_schema(engine)
    engine.dispose()


def start_on(url: str, barrier: "multiprocessing.synchronize.Barrier", results: "multiprocessing.Queue[str]") -> None:
    """One instance's start: wait for the others, then prepare the schema; report 'ok' or the error's name."""
    engine = create_database_engine(url)
    barrier.wait()
    try:
        create_schema(engine)
        results.put("ok")
    except Exception as error:  # the test reports whatever went wrong in the other process
        results.put(f"{type(error).__name__}: {error}")
    finally:
        engine.dispose()


def start_at_once(url: str, instances: int = 4) -> List[str]:
    """`instances` processes preparing the schema of one database at the same moment, as a scaled-out start does."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(instances)
    results = context.Queue()
    processes = [context.Process(target=start_on, args=(url, barrier, results)) for _ in range(instances)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return outcomes


def test_instances_starting_together_on_a_new_sqlite_file_all_start(tmp_path: Path) -> None:
    for attempt in range(3):
        url = f"sqlite:///{tmp_path}/together-{attempt}.db"
        assert start_at_once(url) == ["ok"] * 4
        assert revision_of(url) == head_revision()


def test_instances_starting_together_on_a_new_postgres_database_all_start(postgres_server: PostgresServer) -> None:
    for attempt in range(2):
        url = postgres_server.create_database(f"together_{attempt}")
        assert start_at_once(url) == ["ok"] * 4
        assert revision_of(url) == head_revision()
