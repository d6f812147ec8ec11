"""Conversation analytics (会话统计): Rasa's broker events, reduced and without personal data.

- ``conversations``: one row per Rasa session of a (hashed) sender, with the
  figures recomputed from its events; ``ix_conversations_day`` covers a period.
- ``conversation_events``: one row per kept event, unique per (sender hash,
  timestamp, kind, name) so that a redelivered event is stored once;
  ``ix_conversation_events_kind_ts`` covers a period's events by kind.
- ``conversation_intent_days``: citizen messages per local day and intent,
  incremented by new events only (the top intents of a period).

Revision ID: 0008_conversation_analytics
Revises: 0007_dashboard_indexes
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_conversation_analytics"
down_revision: str | None = "0007_dashboard_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_hash", sa.String(32), nullable=False),
        sa.Column("session_start_us", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("user_turns", sa.Integer(), nullable=False),
        sa.Column("fallbacks", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Boolean(), nullable=False),
        sa.Column("handoff", sa.Boolean(), nullable=False),
        sa.Column("takeover", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("sender_hash", "session_start_us", name="uq_conversations_session"),
    )
    op.create_index(
        "ix_conversations_day",
        "conversations",
        [
            "local_day",
            "channel",
            "user_turns",
            "submitted",
            "handoff",
            "fallbacks",
            "duration_s",
        ],
    )
    op.create_table(
        "conversation_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender_hash", sa.String(32), nullable=False),
        sa.Column("ts_us", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("channel", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_events_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_events")),
        sa.UniqueConstraint(
            "sender_hash", "ts_us", "kind", "name", name="uq_conversation_events_key"
        ),
    )
    op.create_index(
        op.f("ix_conversation_events_conversation_id"),
        "conversation_events",
        ["conversation_id"],
    )
    op.create_index(
        "ix_conversation_events_kind_ts",
        "conversation_events",
        ["kind", "ts_us", "name", "confidence"],
    )

    op.create_table(
        "conversation_intent_days",
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("intent", sa.String(64), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("confidence_sum", sa.Float(), nullable=False),
        sa.Column("confidence_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("local_day", "intent", name=op.f("pk_conversation_intent_days")),
    )


def downgrade() -> None:
    op.drop_table("conversation_intent_days")
    op.drop_table("conversation_events")
    op.drop_table("conversations")
