"""Alembic environment: the project's metadata, and the database from BRIGHTWAY_DB_URL/settings."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from bot.records.database import create_database_engine
from bot.records.tables import load_table_definitions
from bot.settings import load_settings

if context.config.config_file_name is not None and context.config.attributes.get("configure_logger", True):
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

metadata = load_table_definitions()


def database_url() -> str:
    """The URL given to Alembic (`-x url=...` or `sqlalchemy.url`), else the project's database."""
    return context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    ) or load_settings().database_url


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    context.configure(url=database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations against the database."""
    engine = create_database_engine(database_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
