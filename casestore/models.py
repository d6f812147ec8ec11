"""Import every domain's models so ``Base.metadata`` knows all tables (Alembic, tests)."""

from casestore.auth.models import AuditEntry, StaffUser
from casestore.cases.models import Case, CaseEvent, CaseNumberCounter
from casestore.handoffs.models import Handoff, HandoffEvent
from casestore.units.models import Unit

__all__ = [
    "AuditEntry",
    "Case",
    "CaseEvent",
    "CaseNumberCounter",
    "Handoff",
    "HandoffEvent",
    "StaffUser",
    "Unit",
]
