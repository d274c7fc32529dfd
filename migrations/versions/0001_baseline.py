"""Baseline: the project's tables as of the first migration.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Databases created earlier by `bot.records.schema_migrations.create_schema` keep their tables: only missing ones
are created, so `alembic upgrade head` is safe on them too.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Create the tables that do not exist yet (databases made by create_schema keep theirs)."""
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if 'channel_ttl_entries' not in existing:
        op.create_table('channel_ttl_entries',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key')
        )
        with op.batch_alter_table('channel_ttl_entries', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_channel_ttl_entries_expires_at'), ['expires_at'], unique=False)
    if 'conversation_index_state' not in existing:
        op.create_table('conversation_index_state',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('last_event_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name')
        )
    if 'conversation_messages' not in existing:
        op.create_table('conversation_messages',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('intent', sa.String(length=255), nullable=True),
        sa.Column('best_guess', sa.String(length=255), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('conversation_messages', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_conversation_messages_conversation_id'), ['conversation_id'], unique=False)
            batch_op.create_index('ix_conversation_messages_intent', ['intent', 'conversation_id'], unique=False)
    if 'conversation_notes' not in existing:
        op.create_table('conversation_notes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('author', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('conversation_notes', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_conversation_notes_conversation_id'), ['conversation_id'], unique=False)
    if 'conversation_reviews' not in existing:
        op.create_table('conversation_reviews',
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('reviewed_by', sa.String(length=64), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('conversation_id')
        )
    if 'conversation_summaries' not in existing:
        op.create_table('conversation_summaries',
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('last_message_at', sa.DateTime(), nullable=False),
        sa.Column('customer_messages', sa.Integer(), nullable=False),
        sa.Column('bot_messages', sa.Integer(), nullable=False),
        sa.Column('agent_messages', sa.Integer(), nullable=False),
        sa.Column('lowest_confidence', sa.Float(), nullable=True),
        sa.Column('handoffs', sa.Integer(), nullable=False),
        sa.Column('preview', sa.String(length=160), nullable=False),
        sa.PrimaryKeyConstraint('conversation_id')
        )
        with op.batch_alter_table('conversation_summaries', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_conversation_summaries_channel'), ['channel'], unique=False)
            batch_op.create_index(batch_op.f('ix_conversation_summaries_last_message_at'), ['last_message_at'], unique=False)
    if 'conversation_tags' not in existing:
        op.create_table('conversation_tags',
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('tag', sa.String(length=40), nullable=False),
        sa.Column('added_by', sa.String(length=64), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('conversation_id', 'tag')
        )
        with op.batch_alter_table('conversation_tags', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_conversation_tags_tag'), ['tag'], unique=False)
    if 'failed_deliveries' not in existing:
        op.create_table('failed_deliveries',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('failed_deliveries', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_failed_deliveries_conversation_id'), ['conversation_id'], unique=False)
    if 'feedback' not in existing:
        op.create_table('feedback',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('feedback', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_feedback_conversation_id'), ['conversation_id'], unique=False)
    if 'handoff_digests' not in existing:
        op.create_table('handoff_digests',
        sa.Column('handoff_id', sa.String(length=32), nullable=False),
        sa.Column('customer_messages', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('handoff_id')
        )
    if 'handoff_intents' not in existing:
        op.create_table('handoff_intents',
        sa.Column('handoff_id', sa.String(length=32), nullable=False),
        sa.Column('intent', sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint('handoff_id', 'intent')
        )
        with op.batch_alter_table('handoff_intents', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_handoff_intents_intent'), ['intent'], unique=False)
    if 'handoff_terms' not in existing:
        op.create_table('handoff_terms',
        sa.Column('term', sa.String(length=40).with_variant(sa.String(length=40, collation='C'), 'postgresql'), nullable=False),
        sa.Column('handoff_id', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('term', 'handoff_id')
        )
    if 'handoffs' not in existing:
        op.create_table('handoffs',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('customer', sa.String(length=255), nullable=False),
        sa.Column('reason', sa.String(length=64), nullable=False),
        sa.Column('frustration_score', sa.Float(), nullable=False),
        sa.Column('signals', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_by', sa.String(length=255), nullable=True),
        sa.Column('first_human_reply_at', sa.DateTime(), nullable=True),
        sa.Column('escalated_at', sa.DateTime(), nullable=True),
        sa.Column('escalation_count', sa.Integer(), nullable=False),
        sa.Column('desk_thread', sa.String(length=255), nullable=True),
        sa.Column('relayed_events', sa.Integer(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('resolved_by', sa.String(length=255), nullable=True),
        sa.Column('resolution_note', sa.Text(), nullable=True),
        sa.Column('transcript', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('handoffs', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_handoffs_channel'), ['channel'], unique=False)
            batch_op.create_index(batch_op.f('ix_handoffs_conversation_id'), ['conversation_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_handoffs_created_at'), ['created_at'], unique=False)
            batch_op.create_index(batch_op.f('ix_handoffs_desk_thread'), ['desk_thread'], unique=False)
            batch_op.create_index(batch_op.f('ix_handoffs_reason'), ['reason'], unique=False)
            batch_op.create_index(batch_op.f('ix_handoffs_status'), ['status'], unique=False)
            batch_op.create_index('one_active_handoff_per_conversation', ['conversation_id'], unique=True, sqlite_where=sa.text("status IN ('open', 'claimed')"), postgresql_where=sa.text("status IN ('open', 'claimed')"))
    if 'nps_asks' not in existing:
        op.create_table('nps_asks',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('customer_key', sa.String(length=255), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('asked_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('nps_asks', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_nps_asks_customer_key'), ['customer_key'], unique=False)
    if 'nps_scores' not in existing:
        op.create_table('nps_scores',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('customer_key', sa.String(length=255), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('nps_scores', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_nps_scores_answered_at'), ['answered_at'], unique=False)
            batch_op.create_index(batch_op.f('ix_nps_scores_conversation_id'), ['conversation_id'], unique=False)
            batch_op.create_index(batch_op.f('ix_nps_scores_customer_key'), ['customer_key'], unique=False)
    if 'review_login_failures' not in existing:
        op.create_table('review_login_failures',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('key', sa.String(length=320), nullable=False),
        sa.Column('failed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
        )
        with op.batch_alter_table('review_login_failures', schema=None) as batch_op:
            batch_op.create_index('ix_review_login_failures_key_time', ['key', 'failed_at'], unique=False)
    if 'review_users' not in existing:
        op.create_table('review_users',
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('username')
        )
    if 'sms_opt_outs' not in existing:
        op.create_table('sms_opt_outs',
        sa.Column('phone', sa.String(length=32), nullable=False),
        sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('phone')
        )
    if 'tickets' not in existing:
        op.create_table('tickets',
        sa.Column('reference', sa.String(length=32), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('product', sa.String(length=255), nullable=True),
        sa.Column('order_id', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('reference')
        )
        with op.batch_alter_table('tickets', schema=None) as batch_op:
            batch_op.create_index(batch_op.f('ix_tickets_conversation_id'), ['conversation_id'], unique=False)

def downgrade() -> None:
    """Drop the project's tables."""
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_conversation_id'))

    op.drop_table('tickets')
    op.drop_table('sms_opt_outs')
    op.drop_table('review_users')
    with op.batch_alter_table('review_login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_review_login_failures_key_time')

    op.drop_table('review_login_failures')
    with op.batch_alter_table('nps_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nps_scores_customer_key'))
        batch_op.drop_index(batch_op.f('ix_nps_scores_conversation_id'))
        batch_op.drop_index(batch_op.f('ix_nps_scores_answered_at'))

    op.drop_table('nps_scores')
    with op.batch_alter_table('nps_asks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nps_asks_customer_key'))

    op.drop_table('nps_asks')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index('one_active_handoff_per_conversation', sqlite_where=sa.text("status IN ('open', 'claimed')"), postgresql_where=sa.text("status IN ('open', 'claimed')"))
        batch_op.drop_index(batch_op.f('ix_handoffs_status'))
        batch_op.drop_index(batch_op.f('ix_handoffs_reason'))
        batch_op.drop_index(batch_op.f('ix_handoffs_desk_thread'))
        batch_op.drop_index(batch_op.f('ix_handoffs_created_at'))
        batch_op.drop_index(batch_op.f('ix_handoffs_conversation_id'))
        batch_op.drop_index(batch_op.f('ix_handoffs_channel'))

    op.drop_table('handoffs')
    op.drop_table('handoff_terms')
    with op.batch_alter_table('handoff_intents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_intents_intent'))

    op.drop_table('handoff_intents')
    op.drop_table('handoff_digests')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_conversation_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('failed_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_failed_deliveries_conversation_id'))

    op.drop_table('failed_deliveries')
    with op.batch_alter_table('conversation_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_tags_tag'))

    op.drop_table('conversation_tags')
    with op.batch_alter_table('conversation_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_summaries_last_message_at'))
        batch_op.drop_index(batch_op.f('ix_conversation_summaries_channel'))

    op.drop_table('conversation_summaries')
    op.drop_table('conversation_reviews')
    with op.batch_alter_table('conversation_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_notes_conversation_id'))

    op.drop_table('conversation_notes')
    with op.batch_alter_table('conversation_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_messages_intent')
        batch_op.drop_index(batch_op.f('ix_conversation_messages_conversation_id'))

    op.drop_table('conversation_messages')
    op.drop_table('conversation_index_state')
    with op.batch_alter_table('channel_ttl_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_ttl_entries_expires_at'))

    op.drop_table('channel_ttl_entries')
