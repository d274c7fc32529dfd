"""Where a database stands in the Alembic migrations (`migrations/`), and bringing it up to date.

Every service checks at start-up (through `create_schema` below): a new database is
created and stamped at the newest migration, one made by an older version is refused with a
message that says what to run. `python -m bot run` upgrades its database before it starts
anything, so an old `var/` just works; several instances on PostgreSQL are upgraded once per
release (docs/deploy.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from bot.records.database import SchemaOutdatedError, create_database_engine
from bot.records.tables import load_table_definitions
from bot.settings import REPO_ROOT

ALEMBIC_INI = REPO_ROOT / "alembic.ini"
UPGRADE_COMMAND = ".venv/bin/python -m alembic upgrade head"
# Every version of the project created this table, so a database that has it but no Alembic
# version was made before migrations existed (and may have older table shapes).
PRE_MIGRATION_MARKER = "handoffs"
SCHEMA_LOCK_KEY = 734_201_460  # any fixed number: the advisory lock every instance takes to prepare the schema


@dataclass(frozen=True)
class SchemaUpgrade:
    """An upgrade done at start-up: which database, from which revision to which."""

    url: str
    from_revision: Optional[str]
    to_revision: str

    def describe(self) -> str:
        """One line for the person starting the assistant."""
        origin = self.from_revision or "from before migrations"
        return f"Upgraded the database {self.url} made by an older version (schema {origin} -> {self.to_revision})."


def alembic_config(url: str) -> Config:
    """The repository's `alembic.ini` aimed at `url`, leaving the caller's logging alone."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    """The migration scripts (read once per process)."""
    return ScriptDirectory.from_config(Config(str(ALEMBIC_INI)))


def head_revision() -> str:
    """The newest migration: the schema this code expects."""
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError(f"No migrations found next to {ALEMBIC_INI}.")
    return head


def current_revision(connection: Connection) -> Optional[str]:
    """The migration the database is at; None when Alembic has never touched it."""
    return MigrationContext.configure(connection).get_current_revision()


def is_new_database(connection: Connection) -> bool:
    """True when neither Alembic nor an older version of the project has written to it."""
    return current_revision(connection) is None and not sa.inspect(connection).has_table(PRE_MIGRATION_MARKER)


def hold_schema_lock(connection: Connection) -> None:
    """Let one process at a time look at and create the schema, until this transaction ends.

    Without it, two instances starting on one new database both found it empty; one created the
    tables, the other then saw tables without a migration stamp and refused the database as "from
    before migrations". SQLite: the transaction takes the write lock now (waiting up to the
    engine's timeout) instead of at its first write, so its DDL is part of it too. PostgreSQL: a
    transaction-scoped advisory lock.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK_KEY})")


def prepare_schema(engine: Engine, schema: sa.MetaData) -> None:
    """Create `schema` in a new database (stamped at the newest migration), add missing tables to
    a current one, and raise `SchemaOutdatedError` for a database at any other revision."""
    head = head_revision()
    with engine.begin() as connection:
        hold_schema_lock(connection)
        revision = current_revision(connection)
        if revision == head:
            schema.create_all(connection)
            return
        if is_new_database(connection):
            schema.create_all(connection)
            MigrationContext.configure(connection).stamp(_scripts(), head)
            return
    raise SchemaOutdatedError(outdated_message(engine, revision, head))


def outdated_message(engine: Engine, revision: Optional[str], head: str) -> str:
    """What is wrong with a database at `revision` and what to run."""
    where = engine.url.render_as_string(hide_password=True)
    if revision is not None and not _is_known(revision):
        return (
            f"The database {where} is at schema revision {revision}, which this version does not know: "
            f"a newer version of Brightway wrote it. Run that version, or point BRIGHTWAY_DB_URL at another database."
        )
    state = f"at schema revision {revision}" if revision else "from before migrations"
    return (
        f"The database {where} was made by an older version of Brightway ({state}; this version needs {head}). "
        f"Upgrade it first, from the project folder: `BRIGHTWAY_DB_URL='{where}' {UPGRADE_COMMAND}` "
        f"(`make run` does this by itself)."
    )


def _is_known(revision: str) -> bool:
    """True when `revision` is one of this version's migrations."""
    return any(script.revision == revision for script in _scripts().walk_revisions())


def upgrade_database(url: str) -> Optional[SchemaUpgrade]:
    """Bring the database at `url` to the newest migration before any service opens it.

    A new database gets the schema directly; an older one runs the migrations it lacks.
    Returns what was upgraded, or None when there was nothing older to upgrade.
    """
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            before = current_revision(connection)
            new = is_new_database(connection)
        head = head_revision()
        if new or before == head:
            prepare_schema(engine, load_table_definitions())
            return None
        if before is not None and not _is_known(before):
            raise SchemaOutdatedError(outdated_message(engine, before, head))
        command.upgrade(alembic_config(url), "head")
        return SchemaUpgrade(engine.url.render_as_string(hide_password=True), before, head)
    finally:
        engine.dispose()


def create_schema(engine: Engine) -> None:
    """Make sure the database has the schema this code expects, or refuse it.

    A new database gets every table and is stamped at the newest migration; one already at the
    newest migration gets any missing table. A database made by an older version raises
    `SchemaOutdatedError`, which says how to upgrade it: code writing to an older table shape
    would fail (or, in a retry loop, hang).
    """
    prepare_schema(engine, load_table_definitions())
