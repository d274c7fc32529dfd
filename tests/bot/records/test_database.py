"""The records' engine (`create_database_engine`): on a SQLite file, WAL journaling with
synchronous=NORMAL behind a connection pool, shared by threads, with every write seen by another
process's connection."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import QueuePool

from bot.records.database import create_database_engine, create_sqlite_engine_for_small_writes
from bot.records.nps_store import NpsStore, nps_asks_table
from bot.records.schema_migrations import create_schema


def test_a_sqlite_file_is_opened_in_wal_mode_behind_a_pool(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'records' / 'brightway.db'}")

    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert isinstance(engine.pool, QueuePool)
    assert (tmp_path / "records" / "brightway.db").is_file()
    engine.dispose()


def test_records_written_from_worker_threads_are_read_by_another_connection(tmp_path: Path) -> None:
    database = tmp_path / "brightway.db"
    engine = create_database_engine(f"sqlite:///{database}")
    create_schema(engine)
    nps = NpsStore(engine, cooldown_hours=24)

    def ask(index: int) -> None:
        nps.record_ask(f"customer-{index}", f"conversation-{index}")

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not nps.may_ask("customer-3")
    assert nps.may_ask("customer-99")
    with sqlite3.connect(database) as reader:
        assert reader.execute(f"SELECT count(*) FROM {nps_asks_table.name}").fetchone() == (12,)
    engine.dispose()


def test_other_databases_keep_their_own_pool() -> None:
    engine = create_database_engine("postgresql://user:secret@127.0.0.1:9/none")

    assert engine.dialect.name == "postgresql"
    assert engine.pool._pre_ping


def test_only_sqlite_files_get_the_small_writes_engine() -> None:
    with pytest.raises(ValueError, match="Not a SQLite file URL"):
        create_sqlite_engine_for_small_writes("sqlite:///:memory:")
    assert isinstance(create_database_engine("sqlite:///:memory:"), sa.engine.Engine)
