"""Time limits (办理期限) of 《信访工作条例》 as configuration, and deadline arithmetic.

Limits are calendar days counted from the local date of the step
(registration, acceptance, reply, review); a deadline day is still on time,
the day after it is overdue (超期).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casestore.cases.constants import CaseState
from casestore.core.settings import Settings


@dataclass(frozen=True)
class TimeLimits:
    accept_days: int = 15  # 受理告知
    handle_days: int = 60  # 办理答复
    extension_max_days: int = 30  # 延期（一次）
    review_request_days: int = 30  # 申请复查
    review_days: int = 30  # 复查意见
    recheck_request_days: int = 30  # 申请复核
    recheck_days: int = 30  # 复核意见
    evaluation_days: int = 7  # 评价（之后为超期未评价）

    @classmethod
    def from_settings(cls, settings: Settings) -> TimeLimits:
        return cls(
            accept_days=settings.accept_days,
            handle_days=settings.handle_days,
            extension_max_days=settings.extension_max_days,
            review_request_days=settings.review_request_days,
            review_days=settings.review_days,
            recheck_request_days=settings.recheck_request_days,
            recheck_days=settings.recheck_days,
            evaluation_days=settings.evaluation_days,
        )


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


# States in which someone in the administration owes the next step.
WAITING_ON_STAFF = frozenset(
    {
        CaseState.REGISTERED,
        CaseState.ACCEPTED,
        CaseState.ASSIGNED,
        CaseState.IN_PROGRESS,
        CaseState.REVIEW_REQUESTED,
        CaseState.RECHECK_REQUESTED,
    }
)


def is_overdue(due_by: date | None, today: date) -> bool:
    """超期: the deadline day has passed."""
    return due_by is not None and today > due_by
