"""Bring tables made before migrations to the baseline's shape.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

The baseline only creates missing tables, so a database that an older version made keeps two
old shapes: `handoff_digests` with a NOT NULL `search_text` column (search before the word
index), on which every digest insert fails, and `handoffs` without the one-active-handoff rule.
Digests are derived data: the old ones are dropped and `HandoffDigests.sync` rebuilds them
with the word index. Each step checks first, so running it again is harmless.
"""
from datetime import datetime, timezone
from typing import Sequence, Set, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ACTIVE = ("open", "claimed")
ONE_ACTIVE_INDEX = "one_active_handoff_per_conversation"

handoffs = sa.table(
    "handoffs",
    sa.column("id", sa.String), sa.column("conversation_id", sa.String), sa.column("status", sa.String),
    sa.column("created_at", sa.DateTime), sa.column("resolved_at", sa.DateTime),
    sa.column("resolved_by", sa.String), sa.column("resolution_note", sa.Text),
)


def upgrade() -> None:
    """Rebuild old-shaped digests and add the one-active-handoff rule where it is missing."""
    digest_columns = _columns("handoff_digests")
    if "search_text" in digest_columns:
        for derived in ("handoff_intents", "handoff_terms"):
            if _columns(derived):
                op.execute(sa.text(f"DELETE FROM {derived}"))
        op.drop_table("handoff_digests")
        digest_columns = set()
    if not digest_columns:
        op.create_table(
            "handoff_digests",
            sa.Column("handoff_id", sa.String(length=32), nullable=False),
            sa.Column("customer_messages", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("handoff_id"),
        )
    if ONE_ACTIVE_INDEX not in {index["name"] for index in sa.inspect(op.get_bind()).get_indexes("handoffs")}:
        _resolve_older_duplicates()
        op.create_index(
            ONE_ACTIVE_INDEX, "handoffs", ["conversation_id"], unique=True,
            sqlite_where=sa.text("status IN ('open', 'claimed')"),
            postgresql_where=sa.text("status IN ('open', 'claimed')"),
        )


def downgrade() -> None:
    """Nothing to undo: this revision only repairs old databases to the baseline's shape."""


def _columns(table: str) -> Set[str]:
    """Column names of `table` as the database has them now (empty when it does not exist)."""
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(table):
        return set()
    return {column["name"] for column in inspector.get_columns(table)}


def _resolve_older_duplicates() -> None:
    """Keep each conversation's newest open or claimed handoff; resolve older ones (the old code allowed them)."""
    bind = op.get_bind()
    crowded = bind.execute(
        sa.select(handoffs.c.conversation_id)
        .where(handoffs.c.status.in_(ACTIVE))
        .group_by(handoffs.c.conversation_id)
        .having(sa.func.count() > 1)
    ).scalars().all()
    for conversation_id in crowded:
        ids = bind.execute(
            sa.select(handoffs.c.id)
            .where(handoffs.c.conversation_id == conversation_id, handoffs.c.status.in_(ACTIVE))
            .order_by(handoffs.c.created_at.desc(), handoffs.c.id.desc())
        ).scalars().all()
        bind.execute(
            handoffs.update()
            .where(handoffs.c.id.in_(ids[1:]))
            .values(
                status="resolved", resolved_at=datetime.now(timezone.utc).replace(tzinfo=None), resolved_by="upgrade",
                resolution_note="Closed by the database upgrade: a newer handoff of this conversation was open.",
            )
        )
