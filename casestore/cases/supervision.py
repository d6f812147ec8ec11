"""督办 scan: flag overdue open cases to the level above, mark 超期未评价.

Idempotent: a case is flagged once per deadline (``supervised_due_by``), so
running the scan again, or from two processes, adds nothing. Run at startup,
every ``SUPERVISE_INTERVAL_SECONDS`` in the background, and by
``python -m casestore.cli supervise-overdue``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from casestore.cases.constants import CaseState
from casestore.cases.lifecycle import SYSTEM_ACTOR, TransitionInput
from casestore.cases.models import Case
from casestore.cases.service import CaseServices
from casestore.cases.workflow import WAITING, run_action
from casestore.core.errors import DomainError
from casestore.core.logging import get_logger

logger = get_logger(__name__)


@dataclass(frozen=True)
class SupervisionReport:
    supervised: int
    rating_overdue: int
    skipped: int


def supervise_overdue(services: CaseServices) -> SupervisionReport:
    today = services.context().today
    with services.sessions() as session:
        overdue = session.scalars(
            select(Case.number).where(
                Case.state.in_(WAITING),
                Case.due_by < today,
                or_(Case.supervised_due_by.is_(None), Case.supervised_due_by != Case.due_by),
            )
        ).all()
        unrated = session.scalars(
            select(Case.number).where(
                Case.state == CaseState.REPLIED.value,
                Case.rating_overdue.is_(False),
                Case.rate_by < today,
            )
        ).all()
    counts = {"supervise": 0, "mark_rating_overdue": 0, "skipped": 0}
    for action, numbers in (("supervise", overdue), ("mark_rating_overdue", unrated)):
        for number in numbers:
            try:
                run_action(services, number, action, SYSTEM_ACTOR, TransitionInput())
                counts[action] += 1
            except DomainError:  # changed meanwhile (signed, replied…): next scan decides
                counts["skipped"] += 1
    report = SupervisionReport(
        counts["supervise"], counts["mark_rating_overdue"], counts["skipped"]
    )
    if report.supervised or report.rating_overdue:
        logger.info(
            "督办 scan: %d supervised, %d 超期未评价, %d skipped",
            report.supervised,
            report.rating_overdue,
            report.skipped,
        )
    return report
