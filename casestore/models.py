"""Import every domain's models so ``Base.metadata`` knows all tables (Alembic, tests)."""

from casestore.cases.models import Case, CaseEvent, CaseNumberCounter
from casestore.units.models import Unit

__all__ = ["Case", "CaseEvent", "CaseNumberCounter", "Unit"]
