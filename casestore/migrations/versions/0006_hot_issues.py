"""Hot-issue mining (热点问题): public support (likes) and the source account on
cases, the miner's tables.

Revision ID: 0006_hot_issues
Revises: 0005_handoff_takeover
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_hot_issues"
down_revision: str | None = "0005_handoff_takeover"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("public_support", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("source_account_hash", sa.String(64), nullable=True))
        batch.create_index("ix_cases_source_account_hash", ["source_account_hash"])
    op.create_table(
        "hot_issue_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fitted_at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("n_docs", sa.Integer(), nullable=False),
        sa.Column("idf", sa.LargeBinary(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hot_issue_models")),
    )
    op.create_table(
        "hot_issue_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("place", sa.String(200), nullable=True),
        sa.Column("problem", sa.String(200), nullable=False),
        sa.Column("district", sa.String(100), nullable=True),
        sa.Column("category_name", sa.String(50), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("districts", sa.Text(), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hot_issue_clusters")),
    )
    op.create_index(op.f("ix_hot_issue_clusters_last_seen"), "hot_issue_clusters", ["last_seen"])
    op.create_table(
        "hot_issue_places",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["hot_issue_clusters.id"],
            name=op.f("fk_hot_issue_places_cluster_id_hot_issue_clusters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cluster_id", "key", name=op.f("pk_hot_issue_places")),
    )
    op.create_index("ix_hot_issue_places_key", "hot_issue_places", ["key"])
    op.create_table(
        "hot_issue_members",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_hot_issue_members_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["hot_issue_clusters.id"],
            name=op.f("fk_hot_issue_members_cluster_id_hot_issue_clusters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_hot_issue_members")),
    )
    op.create_index(op.f("ix_hot_issue_members_cluster_id"), "hot_issue_members", ["cluster_id"])


def downgrade() -> None:
    op.drop_table("hot_issue_members")
    op.drop_table("hot_issue_places")
    op.drop_table("hot_issue_clusters")
    op.drop_table("hot_issue_models")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_source_account_hash")
        batch.drop_column("source_account_hash")
        batch.drop_column("public_support")
