"""Lifecycle: deadlines, units passed through, supervision, evaluation, repeats;
functional departments; staff accounts and the audit log.

Revision ID: 0002_lifecycle
Revises: 0001_initial
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_lifecycle"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("department", sa.String(30), nullable=True))
        batch.create_index(batch.f("ix_units_department"), ["department"])

    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("id_hash", sa.String(64), nullable=True))
        for name in (
            "due_by",
            "handle_by",
            "rate_by",
            "review_request_by",
            "recheck_request_by",
            "decision_by",
            "supervised_due_by",
        ):
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))
        batch.add_column(sa.Column("extension_status", sa.String(20), nullable=True))
        batch.add_column(sa.Column("extension_days", sa.Integer(), nullable=True))
        for name in ("assigning_unit_code", "replied_unit_code", "supervising_unit_code"):
            batch.add_column(sa.Column(name, sa.String(100), nullable=True))
            batch.create_foreign_key(batch.f(f"fk_cases_{name}_units"), "units", [name], ["code"])
        batch.add_column(sa.Column("replied_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("supervised", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("urge_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("rating", sa.String(30), nullable=True))
        batch.add_column(sa.Column("rating_reason", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("rating_overdue", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("repeat", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("repeat_of", sa.String(20), nullable=True))
        batch.add_column(sa.Column("repeat_reason", sa.String(30), nullable=True))
        batch.add_column(sa.Column("external_id", sa.String(100), nullable=True))
        batch.create_index(batch.f("ix_cases_id_hash"), ["id_hash"])
        batch.create_index(batch.f("ix_cases_due_by"), ["due_by"])
        batch.create_index(batch.f("ix_cases_repeat"), ["repeat"])
        batch.create_index(batch.f("ix_cases_repeat_of"), ["repeat_of"])
        batch.create_index(batch.f("ix_cases_external_id"), ["external_id"])

    # Cases registered before this migration: their current deadline is accept-by.
    op.execute("UPDATE cases SET due_by = accept_by WHERE state = 'registered'")
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("supervised", server_default=None)
        batch.alter_column("urge_count", server_default=None)
        batch.alter_column("rating_overdue", server_default=None)
        batch.alter_column("repeat", server_default=None)

    with op.batch_alter_table("case_events") as batch:
        batch.add_column(sa.Column("from_state", sa.String(32), nullable=True))
        batch.add_column(sa.Column("to_state", sa.String(32), nullable=True))
        batch.add_column(sa.Column("actor_role", sa.String(20), nullable=True))

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("display_name", sa.String(50), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_code", sa.String(100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_staff_users_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )
    op.create_index(op.f("ix_staff_users_unit_code"), "staff_users", ["unit_code"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("case_number", sa.String(20), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("client", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_case_number"), "audit_log", ["case_number"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("staff_users")
    with op.batch_alter_table("case_events") as batch:
        for name in ("from_state", "to_state", "actor_role"):
            batch.drop_column(name)
    with op.batch_alter_table("cases") as batch:
        for name in ("id_hash", "due_by", "repeat", "repeat_of", "external_id"):
            batch.drop_index(f"ix_cases_{name}")
        for name in ("assigning_unit_code", "replied_unit_code", "supervising_unit_code"):
            batch.drop_constraint(f"fk_cases_{name}_units", type_="foreignkey")
        for name in (
            "id_hash due_by handle_by rate_by review_request_by recheck_request_by decision_by "
            "supervised_due_by extension_status extension_days assigning_unit_code "
            "replied_unit_code supervising_unit_code replied_at closed_at supervised urge_count "
            "rating rating_reason rating_overdue repeat repeat_of repeat_reason external_id"
        ).split():
            batch.drop_column(name)
    with op.batch_alter_table("units") as batch:
        batch.drop_index("ix_units_department")
        batch.drop_column("department")
