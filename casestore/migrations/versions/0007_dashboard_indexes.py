"""Indexes for the dashboard (统计分析): the cohort of a period, and decision events.

- ``ix_cases_dashboard``: created_at, then every column the figures read, so a
  period is an index-only range scan (the table itself carries the texts and is
  ten times larger).
- ``ix_case_events_kind_at``: 受理 / 不予受理 events by time, so 按期受理 reads only
  the decisions made since the period began, from the index alone.

Revision ID: 0007_dashboard_indexes
Revises: 0006_hot_issues
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_dashboard_indexes"
down_revision: str | None = "0006_hot_issues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COHORT_COLUMNS = [
    "created_at",
    "responsible_unit_code",
    "category_name",
    "district",
    "state",
    "repeat",
    "rating",
    "rating_overdue",
    "accept_by",
    "handle_by",
    "due_by",
    "replied_at",
    "closed_at",
    "id",
]


def upgrade() -> None:
    op.create_index("ix_cases_dashboard", "cases", COHORT_COLUMNS)
    op.create_index("ix_case_events_kind_at", "case_events", ["kind", "at", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_events_kind_at", "case_events")
    op.drop_index("ix_cases_dashboard", "cases")
