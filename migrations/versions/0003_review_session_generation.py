"""Review-app users get a session generation, so logging out and changing a password end their sessions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

Session cookies carry the generation they were issued at; raising it ends every session of that user.
Existing users start at 0. Sessions from before this revision carry no generation and end once, at upgrade.
The step checks first, so running it on a database that already has the column is harmless.
"""
from typing import Sequence, Set, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMN = "session_generation"


def upgrade() -> None:
    """Add `review_users.session_generation` (0 for every user) where it is missing."""
    if COLUMN in _user_columns():
        return
    with op.batch_alter_table("review_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column(COLUMN, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Drop the column again (sessions are then checked by their signature and age only)."""
    if COLUMN not in _user_columns():
        return
    with op.batch_alter_table("review_users", schema=None) as batch_op:
        batch_op.drop_column(COLUMN)


def _user_columns() -> Set[str]:
    """Column names of `review_users` as the database has them now."""
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns("review_users")}
