"""Import every domain's models so ``Base.metadata`` knows all tables (Alembic, tests)."""

import casestore.analytics.conversation_models  # noqa: F401  (conversation analytics)
from casestore.analytics.dashboard import COHORT_INDEX, DECISION_INDEX
from casestore.analytics.mining.models import (
    HotIssueCluster,
    HotIssueMember,
    HotIssueModel,
    HotIssuePlace,
)
from casestore.auth.models import AuditEntry, StaffUser
from casestore.cases.models import Case, CaseEvent, CaseNumberCounter
from casestore.handoffs.models import Handoff, HandoffEvent
from casestore.units.models import Unit

__all__ = [
    "COHORT_INDEX",
    "DECISION_INDEX",
    "AuditEntry",
    "Case",
    "CaseEvent",
    "CaseNumberCounter",
    "Handoff",
    "HandoffEvent",
    "HotIssueCluster",
    "HotIssueMember",
    "HotIssueModel",
    "HotIssuePlace",
    "StaffUser",
    "Unit",
]
