"""Handoff search folds case and accents: the word index is rebuilt with folded words.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

The index (`handoff_terms`) used to hold lower-cased words ("zoë", "straße"), which searches now
folded ("zoe", "strasse") cannot find. Digests are derived data: this revision empties them, and
`HandoffDigests.sync` (run when the review app starts and before each search) rebuilds every one
from the stored transcripts with the code of the version that runs. Downgrading empties them too,
so the older code rebuilds them unfolded. Emptying tables that are already empty is harmless.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DIGEST_TABLES = ("handoff_terms", "handoff_intents", "handoff_digests")


def upgrade() -> None:
    """Empty the handoff digests so they are rebuilt with folded words."""
    _empty_digests()


def downgrade() -> None:
    """Empty the handoff digests so the older code rebuilds them with its own words."""
    _empty_digests()


def _empty_digests() -> None:
    """Delete every row of the digest tables (all three together: sync rebuilds a handoff's rows at once)."""
    for table in DIGEST_TABLES:
        op.execute(sa.table(table).delete())
