"""Tests for review_app/accounts/user_store.py: argon2 hashes, roles, names, authentication, session generations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from bot.records.database import create_database_engine
from bot.records.schema_migrations import alembic_config
from review_app.accounts.user_store import UserError, UserStore, users_table

PASSWORD = "correct horse battery"


@pytest.fixture
def users(engine: Engine) -> UserStore:
    """A user store with cheap (but real) argon2 parameters."""
    return UserStore(engine, PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))


def stored_hash(engine: Engine, name: str) -> str:
    """The password hash column of a user."""
    with engine.connect() as connection:
        return connection.execute(
            users_table.select().where(users_table.c.username == name)
        ).first().password_hash


def test_create_stores_an_argon2id_hash_never_the_password(users: UserStore, engine: Engine) -> None:
    user = users.create("  Lea.Smith ", "lead", PASSWORD)
    assert (user.username, user.role) == ("lea.smith", "lead")
    password_hash = stored_hash(engine, "lea.smith")
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash


def test_authenticate(users: UserStore) -> None:
    users.create("lea", "lead", PASSWORD)
    assert users.authenticate("LEA", PASSWORD).role == "lead"
    assert users.authenticate("lea", PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None


@pytest.mark.parametrize("name, role, password, message", [
    ("lea", "admin", PASSWORD, "Role must be one of lead, agent"),
    ("lea", "lead", "short", "at least 10 characters"),
    ("", "lead", PASSWORD, "is not allowed"),
    ("<script>", "lead", PASSWORD, "is not allowed"),
    ("a" * 65, "agent", PASSWORD, "is not allowed"),
])
def test_create_refuses_bad_input_with_a_reason(users: UserStore, name: str, role: str, password: str,
                                                message: str) -> None:
    with pytest.raises(UserError, match=message):
        users.create(name, role, password)


def test_names_are_unique(users: UserStore) -> None:
    users.create("lea", "lead", PASSWORD)
    with pytest.raises(UserError, match="already exists"):
        users.create("LEA", "agent", PASSWORD)
    assert [user.username for user in users.all()] == ["lea"]


def test_set_password(users: UserStore) -> None:
    users.create("adam", "agent", PASSWORD)
    users.set_password("adam", "another long password")
    assert users.authenticate("adam", PASSWORD) is None
    assert users.authenticate("adam", "another long password") is not None
    with pytest.raises(UserError, match="There is no user"):
        users.set_password("ghost", "another long password")


def test_old_hashes_are_upgraded_on_login(engine: Engine) -> None:
    weak = UserStore(engine, PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))
    weak.create("lea", "lead", PASSWORD)
    stronger = UserStore(engine, PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1))
    assert stronger.authenticate("lea", PASSWORD) is not None
    assert "t=2" in stored_hash(engine, "lea")


def test_logouts_and_password_changes_move_the_session_generation_on(users: UserStore) -> None:
    assert users.create("adam", "agent", PASSWORD).session_generation == 0
    users.end_sessions("Adam")
    assert users.get("adam").session_generation == 1
    users.set_password("adam", "another long password")
    assert users.authenticate("adam", "another long password").session_generation == 2
    users.end_sessions("ghost")


def test_upgrading_the_hash_on_login_keeps_the_sessions(engine: Engine) -> None:
    UserStore(engine, PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)).create("lea", "lead", PASSWORD)
    stronger = UserStore(engine, PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1))

    assert stronger.authenticate("lea", PASSWORD).session_generation == 0
    assert stronger.get("lea").session_generation == 0


def test_users_of_a_database_from_before_session_generations_keep_working(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/0002.db"
    command.upgrade(alembic_config(url), "0002")
    engine = create_database_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO review_users (username, role, password_hash, created_at)"
            f" VALUES ('lea', 'lead', '{PasswordHasher().hash(PASSWORD)}', '2026-11-20 09:00:00')"
        )

    command.upgrade(alembic_config(url), "head")

    users = UserStore(engine)
    assert users.authenticate("lea", PASSWORD).session_generation == 0
    users.end_sessions("lea")
    assert users.get("lea").session_generation == 1
    engine.dispose()
