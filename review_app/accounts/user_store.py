"""Review-app users: names, roles, argon2 password hashes (never the passwords) and session generations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, List, Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from bot.clock import Clock, as_utc, system_clock
from bot.records.database import metadata
from review_app.accounts.access import ROLES

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

users_table = sa.Table(
    "review_users",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("session_generation", sa.Integer, nullable=False, server_default="0"),
)


class UserError(ValueError):
    """A user cannot be created or changed; the message says why and what to do."""


@dataclass(frozen=True)
class User:
    """A person who may log in to the review app; sessions started at another `session_generation` are over."""

    username: str
    role: str
    created_at: datetime
    session_generation: int = 0


class UserStore:
    """Creates users, checks their passwords and ends their sessions."""

    def __init__(self, engine: Engine, hasher: Optional[PasswordHasher] = None,
                 clock: Clock = system_clock) -> None:
        """Store users in `engine`, hashing with `hasher` (argon2id defaults when None)."""
        self._engine = engine
        self._hasher = hasher or PasswordHasher()
        self._clock = clock
        self._dummy_hash: Optional[str] = None

    def create(self, username: str, role: str, password: str) -> User:
        """Add a user; raises `UserError` for a bad name, role or password, or a taken name."""
        name = normalize_username(username)
        if role not in ROLES:
            raise UserError(f"Role must be one of {', '.join(ROLES)}, got {role!r}.")
        check_password_strength(password)
        if self.get(name) is not None:
            raise UserError(f"User {name!r} already exists; pick another name or change the password.")
        created = as_utc(self._clock())
        with self._engine.begin() as connection:
            connection.execute(
                users_table.insert().values(
                    username=name, role=role, password_hash=self._hasher.hash(password),
                    created_at=created.replace(tzinfo=None),
                )
            )
        return User(name, role, created)

    def set_password(self, username: str, password: str) -> None:
        """Replace a user's password and end their sessions; raises `UserError` if there is no such user."""
        check_password_strength(password)
        changed = self._update(normalize_username(username), password_hash=self._hasher.hash(password),
                               session_generation=users_table.c.session_generation + 1)
        if not changed:
            raise UserError(f"There is no user {username!r}; create it with create-user.")

    def end_sessions(self, username: str) -> None:
        """End every session of the user (a signed cookie alone would stay valid until it expires)."""
        self._update(username.strip().lower(), session_generation=users_table.c.session_generation + 1)

    def get(self, username: str) -> Optional[User]:
        """The user with this name, if any."""
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(*_USER_COLUMNS).where(users_table.c.username == username.strip().lower())
            ).first()
        return None if row is None else _user_of(row)

    def all(self) -> List[User]:
        """Every user, by name."""
        with self._engine.connect() as connection:
            rows = connection.execute(sa.select(*_USER_COLUMNS).order_by(users_table.c.username)).all()
        return [_user_of(row) for row in rows]

    def authenticate(self, username: str, password: str) -> Optional[User]:
        """The user if the password is right, else None (unknown names cost the same time)."""
        name = username.strip().lower()
        with self._engine.connect() as connection:
            row = connection.execute(users_table.select().where(users_table.c.username == name)).first()
        if row is None:
            self._verify(self._dummy(), password)
            return None
        if not self._verify(row.password_hash, password):
            return None
        if self._hasher.check_needs_rehash(row.password_hash):
            self._update(name, password_hash=self._hasher.hash(password))
        return _user_of(row)

    def _update(self, name: str, **values: Any) -> bool:
        """Set `values` on the user called `name`; False when there is no such user."""
        with self._engine.begin() as connection:
            result = connection.execute(users_table.update().where(users_table.c.username == name).values(**values))
        return result.rowcount == 1

    def _verify(self, password_hash: str, password: str) -> bool:
        """Check a password against a hash without raising."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _dummy(self) -> str:
        """A hash to verify against for unknown users, so timing does not reveal names."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("not-a-real-password")
        return self._dummy_hash


_USER_COLUMNS = (users_table.c.username, users_table.c.role, users_table.c.created_at,
                 users_table.c.session_generation)


def _user_of(row: Any) -> User:
    """A `User` from a row holding at least `_USER_COLUMNS`."""
    return User(row.username, row.role, as_utc(row.created_at), row.session_generation)


def normalize_username(username: str) -> str:
    """Lower-case, trimmed user name; raises `UserError` unless it is 1-64 of a-z 0-9 . _ -."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise UserError(
            f"User name {username!r} is not allowed: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit."
        )
    return name


def check_password_strength(password: str) -> None:
    """Raise `UserError` for a password too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
