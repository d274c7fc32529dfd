"""Tests for review_app/accounts/user_store.py: argon2 hashes, roles, names, authentication."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

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
