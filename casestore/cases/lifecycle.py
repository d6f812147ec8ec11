"""The case state machine (办理流程). Every change goes through :func:`record_event`.

Registration is the first event; the later transitions of shared/spec/domain.md
are listed in ``TRANSITIONS`` and will be applied by ``apply_transition`` (one
function that checks the move is allowed and writes the timeline event).
"""

from __future__ import annotations

from datetime import datetime

from casestore.cases.constants import CaseState
from casestore.cases.models import Case, CaseEvent
from casestore.core.errors import DomainError

# action → (states it may start from, resulting state)
TRANSITIONS: dict[str, tuple[frozenset[CaseState], CaseState]] = {
    "accept": (frozenset({CaseState.REGISTERED}), CaseState.ACCEPTED),
    "reject": (frozenset({CaseState.REGISTERED}), CaseState.REJECTED),
    "assign": (frozenset({CaseState.ACCEPTED}), CaseState.ASSIGNED),
    "sign": (frozenset({CaseState.ASSIGNED}), CaseState.IN_PROGRESS),
    "reply": (frozenset({CaseState.IN_PROGRESS}), CaseState.REPLIED),
    "rate": (frozenset({CaseState.REPLIED}), CaseState.RATED),
    "request_review": (
        frozenset({CaseState.REPLIED, CaseState.RATED}),
        CaseState.REVIEW_REQUESTED,
    ),
    "review": (frozenset({CaseState.REVIEW_REQUESTED}), CaseState.REVIEWED),
    "request_recheck": (frozenset({CaseState.REVIEWED}), CaseState.RECHECK_REQUESTED),
    "recheck": (frozenset({CaseState.RECHECK_REQUESTED}), CaseState.RECHECKED),
    "close": (
        frozenset(
            {
                CaseState.RATED,
                CaseState.REVIEWED,
                CaseState.RECHECKED,
                CaseState.REJECTED,
            }
        ),
        CaseState.CLOSED,
    ),
}


class TransitionNotAllowed(DomainError):
    status_code = 409
    detail = "该信访件当前状态不允许此操作"


def next_state(current: str, action: str) -> CaseState:
    """The state ``action`` leads to from ``current``, or TransitionNotAllowed."""
    allowed = TRANSITIONS.get(action)
    if allowed is None or current not in allowed[0]:
        raise TransitionNotAllowed()
    return allowed[1]


def record_event(
    case: Case,
    *,
    kind: str,
    at: datetime,
    actor: str,
    unit_code: str | None,
    note: str | None,
    public: bool = True,
) -> CaseEvent:
    """Append one timeline entry; events are never updated or deleted."""
    event = CaseEvent(
        kind=kind,
        at=at,
        actor=actor,
        unit_code=unit_code,
        note=note,
        public=public,
    )
    case.events.append(event)
    case.updated_at = at
    return event
