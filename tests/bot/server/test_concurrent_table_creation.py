"""Rasa's table-creation race is logged as a note; real table-creation failures stay errors."""

import logging

import pytest
import sqlalchemy as sa

from bot.server import concurrent_table_creation
from bot.server.concurrent_table_creation import RASA_TRACKER_STORE_LOGGER, ConcurrentTableCreationNote


def sqlite_error_of(statements: list[str]) -> Exception:
    """The error SQLite itself raises for the last of `statements` (a real driver message)."""
    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        for statement in statements[:-1]:
            connection.exec_driver_sql(statement)
        with pytest.raises(sa.exc.OperationalError) as raised:
            connection.exec_driver_sql(statements[-1])
    return raised.value


@pytest.fixture
def rasa_logger() -> logging.Logger:
    logger = logging.getLogger(RASA_TRACKER_STORE_LOGGER)
    concurrent_table_creation.install()
    yield logger
    logger.filters = [existing for existing in logger.filters if not isinstance(existing, ConcurrentTableCreationNote)]


def test_tables_made_by_another_instance_are_a_note(rasa_logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    error = sqlite_error_of(["CREATE TABLE events (id INTEGER)", "CREATE TABLE events (id INTEGER)"])
    with caplog.at_level(logging.INFO, logger=RASA_TRACKER_STORE_LOGGER):
        rasa_logger.error(f"Could not create tables: {error}")

    assert [record.levelname for record in caplog.records] == ["INFO"]
    assert "another instance" in caplog.records[0].getMessage()


def test_any_other_table_creation_failure_stays_an_error(rasa_logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    error = sqlite_error_of(["CREATE TABLE events (id INTEGER, id INTEGER)"])
    with caplog.at_level(logging.INFO, logger=RASA_TRACKER_STORE_LOGGER):
        rasa_logger.error(f"Could not create tables: {error}")
        rasa_logger.error("Could not connect: table events already exists")

    assert [record.levelname for record in caplog.records] == ["ERROR", "ERROR"]
    assert "duplicate column" in caplog.records[0].getMessage()


def test_installing_twice_adds_one_filter(rasa_logger: logging.Logger) -> None:
    concurrent_table_creation.install()

    assert sum(isinstance(existing, ConcurrentTableCreationNote) for existing in rasa_logger.filters) == 1
