"""Composite indexes for the staff list (unit + state + deadline, unit + date,
unit + category) and
for repeat detection (street + date, phone + date).

Revision ID: 0003_list_indexes
Revises: 0002_lifecycle
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_list_indexes"
down_revision: str | None = "0002_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_cases_unit_state_due_by": ["responsible_unit_code", "state", "due_by"],
    "ix_cases_unit_created_at": ["responsible_unit_code", "created_at"],
    "ix_cases_unit_category": ["responsible_unit_code", "category_name"],
    "ix_cases_street_created_at": ["street", "created_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "cases", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, "cases")
