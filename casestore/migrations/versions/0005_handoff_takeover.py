"""Live takeover of hand-offs (人工接管): who holds a conversation and what the bot guessed.

Revision ID: 0005_handoff_takeover
Revises: 0004_handoffs
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_handoff_takeover"
down_revision: str | None = "0004_handoffs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("holder", sa.String(100), nullable=True))
        batch.add_column(sa.Column("holder_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("case_number", sa.String(20), nullable=True))
        batch.add_column(sa.Column("guess_intent", sa.String(50), nullable=True))
        batch.add_column(sa.Column("guess_category", sa.String(50), nullable=True))
        batch.add_column(sa.Column("guess_place", sa.String(200), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        for column in (
            "version",
            "guess_place",
            "guess_category",
            "guess_intent",
            "case_number",
            "claimed_at",
            "holder_name",
            "holder",
        ):
            batch.drop_column(column)
