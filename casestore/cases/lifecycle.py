"""The case state machine (办理流程): every change goes through :func:`transition`.

``transition`` checks, in this order, that the actor may see the case (its
unit or a unit below), that the actor's role may take the action, that the
caller saw the current version (optimistic locking), that the state allows
the action and that the inputs are complete; then it applies the effects
(state, units, deadlines, flags) and appends one timeline event. Nothing is
written when a check fails.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import object_session

from casestore.cases.constants import (
    RATING_LABELS,
    CaseState,
    EventKind,
    Rating,
    Role,
    event_label,
    state_label,
)
from casestore.cases.deadlines import WAITING_ON_STAFF, TimeLimits, add_days
from casestore.cases.models import Case, CaseEvent
from casestore.core.errors import DomainError
from casestore.units.models import Unit
from casestore.units.tree import UnitTree

S = CaseState
OPS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
HANDLE = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
SUPERVISE = frozenset({Role.SUPERVISOR, Role.ADMIN})
CITIZEN = "citizen"
SYSTEM = "system"


class TransitionNotAllowed(DomainError):
    status_code = 409
    detail = "该信访件当前状态不允许此操作"


class StaleCase(DomainError):
    status_code = 409
    detail = "该信访件已被他人更新，请刷新后查看最新情况再操作"


class NotPermitted(DomainError):
    status_code = 403
    detail = "您没有权限执行此操作"


class OutsideJurisdiction(DomainError):
    status_code = 403
    detail = "该信访件不属于您所在单位或下级单位，无权查看或办理"


class MissingInput(DomainError):
    status_code = 422
    detail = "请求内容不完整"


class UnknownUnit(DomainError):
    status_code = 422
    detail = "找不到指定的承办单位"


@dataclass(frozen=True)
class Actor:
    """Who acts: staff (with role and unit), the citizen, the system (督办 scan)."""

    kind: str  # staff | citizen | system
    name: str
    role: str | None = None
    unit_code: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


SYSTEM_ACTOR = Actor(SYSTEM, "supervision")


@dataclass(frozen=True)
class TransitionInput:
    """What the caller adds to an action; which fields are needed depends on it."""

    reason: str | None = None  # why (退回、不予受理、申请复查、延期、督办)
    note: str | None = None  # the text of a reply / review / re-check opinion
    target_unit: str | None = None  # 交办对象
    expected_version: int | None = None
    rating: str | None = None
    days: int | None = None
    approved: bool | None = None
    target_case: str | None = None  # 合并: the open case this one joins


@dataclass(frozen=True)
class LifecycleContext:
    tree: UnitTree
    limits: TimeLimits
    tz: ZoneInfo
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


Effect = Callable[[Case, "LifecycleContext", Actor, TransitionInput], str | None]


@dataclass(frozen=True)
class ActionSpec:
    name: str
    from_states: frozenset[CaseState]
    to_state: CaseState | None  # None: the state does not change (督办、催办…)
    actors: frozenset[str]  # staff roles, "citizen", "system"
    public: bool
    effect: Effect = field(repr=False)

    @property
    def label(self) -> str:
        return event_label(self.name)


# ---- preconditions that depend on the case only (not on the caller's input) ------
# Shared by the effects and by permitted_actions, so the console never offers an
# action the server would refuse for these reasons.


def _extension_not_yet_requested(case: Case, ctx: LifecycleContext) -> None:
    if case.extension_status is not None:
        raise TransitionNotAllowed("每件信访件只能申请一次延期")


def _extension_pending(case: Case, ctx: LifecycleContext) -> None:
    if case.extension_status != "requested":
        raise TransitionNotAllowed("没有待审批的延期申请")


def _citizen_window_closed(case: Case, ctx: LifecycleContext) -> None:
    # The citizen keeps the right to the next step until its deadline has passed.
    if case.state == S.REPLIED and not case.rating_overdue:
        raise TransitionNotAllowed("市民尚未评价且评价期限未过，暂不能办结")
    if case.state == S.RATED and case.rating == Rating.UNSATISFIED:
        _after(case.review_request_by, ctx, "市民不满意，申请复查期限未过，暂不能办结")
    if case.state == S.REVIEWED:
        _after(case.recheck_request_by, ctx, "申请复核期限未过，暂不能办结")


PRECONDITIONS: dict[str, Callable[[Case, LifecycleContext], None]] = {
    EventKind.REQUEST_EXTENSION.value: _extension_not_yet_requested,
    EventKind.APPROVE_EXTENSION.value: _extension_pending,
    EventKind.CLOSE.value: _citizen_window_closed,
}


# ---- effects: change the case, return the timeline note -------------------------


def _require(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise MissingInput(f"请填写{what}")
    return value.strip()


def _set_unit(case: Case, code: str) -> Unit:
    session = object_session(case)
    unit = session.get(Unit, code) if session is not None else None
    if unit is None:
        raise UnknownUnit(f"找不到承办单位：{code}")
    case.responsible_unit = unit
    case.responsible_unit_code = unit.code
    return unit


def _accept(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    case.handle_by = add_days(ctx.today, ctx.limits.handle_days)
    case.due_by = case.handle_by
    return f"已受理，办理答复期限 {case.handle_by:%Y-%m-%d}"


def _reject(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    reason = _require(data.reason, "不予受理的理由")
    case.due_by = None
    return f"不予受理：{reason}"


def _assign(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    target = _require(data.target_unit, "交办单位")
    if ctx.tree.get(target) is None:
        raise UnknownUnit(f"找不到承办单位：{target}")
    if (
        actor.kind == "staff"
        and actor.unit_code
        and not ctx.tree.is_within(target, actor.unit_code)
    ):
        raise OutsideJurisdiction("只能交办给本单位或下级单位")
    case.assigning_unit_code = actor.unit_code or case.responsible_unit_code
    unit = _set_unit(case, target)
    note = f"交办至{unit.name}"
    return f"{note}：{data.reason.strip()}" if data.reason and data.reason.strip() else note


def _return(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    reason = _require(data.reason, "退回理由")
    back_to = case.assigning_unit_code or ctx.tree.upper_unit(case.responsible_unit_code)
    if back_to == case.responsible_unit_code:
        back_to = ctx.tree.upper_unit(case.responsible_unit_code)
    unit = _set_unit(case, back_to)
    case.assigning_unit_code = None
    return f"退回{unit.name}重新交办：{reason}"


def _sign(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    return f"{case.responsible_unit.name}已签收，正在办理"


def _request_extension(
    case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput
) -> str:
    _extension_not_yet_requested(case, ctx)
    reason = _require(data.reason, "延期理由")
    days = data.days
    if days is None or not 1 <= days <= ctx.limits.extension_max_days:
        raise MissingInput(f"延期天数应为 1 至 {ctx.limits.extension_max_days} 天")
    case.extension_status = "requested"
    case.extension_days = days
    return f"申请延期 {days} 天：{reason}"


def _approve_extension(
    case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput
) -> str:
    _extension_pending(case, ctx)
    if data.approved is None:
        raise MissingInput("请选择同意或不同意延期")
    if not data.approved:
        case.extension_status = "refused"
        return "延期申请未获批准" + (f"：{data.reason.strip()}" if data.reason else "")
    case.extension_status = "approved"
    base = case.handle_by or ctx.today
    case.handle_by = add_days(base, case.extension_days or 0)
    case.due_by = case.handle_by
    return f"经批准延期 {case.extension_days} 天，办理期限延至 {case.handle_by:%Y-%m-%d}"


def _reply(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    text = _require(data.note, "答复意见")
    case.replied_unit_code = case.responsible_unit_code
    case.replied_at = ctx.now
    case.rate_by = add_days(ctx.today, ctx.limits.evaluation_days)
    case.review_request_by = add_days(ctx.today, ctx.limits.review_request_days)
    case.due_by = None
    return text


def _rate(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    try:
        rating = Rating(data.rating or "")
    except ValueError:
        raise MissingInput("评价应为 满意、基本满意 或 不满意") from None
    reason = data.reason.strip() if data.reason else None
    if rating is Rating.UNSATISFIED and not reason:
        raise MissingInput("选择“不满意”时请说明理由")
    case.rating, case.rating_reason = rating.value, reason
    label = RATING_LABELS[rating]
    return f"市民评价：{label}" + (f"（{reason}）" if reason else "")


def _within(deadline: date | None, ctx: LifecycleContext, what: str) -> None:
    if deadline is None or ctx.today > deadline:
        when = f"（{deadline:%Y-%m-%d} 前）" if deadline else ""
        raise TransitionNotAllowed(f"已超过{what}期限{when}")


def _request_review(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    _within(case.review_request_by, ctx, "申请复查")
    reason = _require(data.reason, "申请复查的理由")
    unit = _set_unit(
        case, ctx.tree.upper_unit(case.replied_unit_code or case.responsible_unit_code)
    )
    case.decision_by = add_days(ctx.today, ctx.limits.review_days)
    case.due_by = case.decision_by
    return f"市民申请复查，由{unit.name}复查（{case.decision_by:%Y-%m-%d} 前）：{reason}"


def _review(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    text = _require(data.note, "复查意见")
    case.replied_unit_code = case.responsible_unit_code
    case.recheck_request_by = add_days(ctx.today, ctx.limits.recheck_request_days)
    case.due_by = None
    return text


def _request_recheck(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    _within(case.recheck_request_by, ctx, "申请复核")
    reason = _require(data.reason, "申请复核的理由")
    unit = _set_unit(
        case, ctx.tree.upper_unit(case.replied_unit_code or case.responsible_unit_code)
    )
    case.decision_by = add_days(ctx.today, ctx.limits.recheck_days)
    case.due_by = case.decision_by
    return f"市民申请复核，由{unit.name}复核（{case.decision_by:%Y-%m-%d} 前）：{reason}"


def _recheck(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    text = _require(data.note, "复核意见")
    case.replied_unit_code = case.responsible_unit_code
    case.due_by = None
    return text


def _close(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    _citizen_window_closed(case, ctx)
    case.due_by = None
    case.closed_at = ctx.now
    return "已办结" + (f"：{data.reason.strip()}" if data.reason and data.reason.strip() else "")


def _after(deadline: date | None, ctx: LifecycleContext, message: str) -> None:
    if deadline is not None and ctx.today <= deadline:
        raise TransitionNotAllowed(message)


def _supervise(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    if actor.kind == "staff" and actor.unit_code:
        supervising = actor.unit_code
    else:
        supervising = ctx.tree.upper_unit(case.responsible_unit_code)
    node = ctx.tree.get(supervising)
    case.supervised = True
    case.supervising_unit_code = supervising
    case.supervised_due_by = case.due_by
    why = data.reason.strip() if data.reason and data.reason.strip() else None
    if why is None and case.due_by is not None and ctx.today > case.due_by:
        why = f"已超过办理期限（{case.due_by:%Y-%m-%d}）"
    return f"{node.name if node else '上级'}督办" + (f"：{why}" if why else "")


def _urge(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    case.urge_count = (case.urge_count or 0) + 1
    note = f"市民催办（第 {case.urge_count} 次）"
    return f"{note}：{data.reason.strip()}" if data.reason and data.reason.strip() else note


def _mark_rating_overdue(
    case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput
) -> str:
    if case.rating_overdue or case.rate_by is None or ctx.today <= case.rate_by:
        raise TransitionNotAllowed("评价期限未过")
    case.rating_overdue = True
    return f"评价期限（{case.rate_by:%Y-%m-%d}）已过，记为超期未评价"


def _import_history(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    """A historical case arrives already answered (bulk import): closed with its reply."""
    case.replied_unit_code = case.responsible_unit_code
    case.replied_at = ctx.now
    case.closed_at = ctx.now
    case.due_by = None
    reply = data.note.strip() if data.note and data.note.strip() else None
    return f"历史答复：{reply}" if reply else "历史信访件导入（无答复记录）"


def _merge(case: Case, ctx: LifecycleContext, actor: Actor, data: TransitionInput) -> str:
    """合并: a repeat petition joins the open case it repeats; this one closes."""
    session = object_session(case)
    number = (data.target_case or case.repeat_of or "").strip().upper()
    if not number or session is None:
        raise MissingInput("请指定要并入的信访件编号")
    target = session.scalar(select(Case).where(Case.number == number))
    if target is None or target.id == case.id:
        raise MissingInput(f"找不到可并入的信访件：{number}")
    if target.state not in WAITING_ON_STAFF:
        raise TransitionNotAllowed(f"信访件 {number} 已不在办理中，不能并入")
    if not can_see(ctx.tree, actor, target):
        raise OutsideJurisdiction(f"信访件 {number} 不属于您所在单位或下级单位")
    case.repeat = True
    case.repeat_of = target.repeat_of or target.number
    case.repeat_reason = case.repeat_reason or "merged"
    case.due_by = None
    case.closed_at = ctx.now
    record_event(
        target,
        kind=EventKind.MERGED_IN.value,
        at=ctx.now,
        actor=actor.label,
        unit_code=actor.unit_code,
        note=f"重复信访件 {case.number} 已并入本件办理",
        actor_role=actor.role,
    )
    return f"与信访件 {target.number} 属同一事项，已并入该件办理，请以 {target.number} 查询办理进展"


def _spec(
    kind: EventKind,
    from_states: set[CaseState],
    to_state: CaseState | None,
    actors: frozenset[str] | set[str],
    effect: Effect,
    public: bool = True,
) -> ActionSpec:
    return ActionSpec(
        kind.value, frozenset(from_states), to_state, frozenset(actors), public, effect
    )


OPEN = set(WAITING_ON_STAFF)
ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        _spec(EventKind.ACCEPT, {S.REGISTERED}, S.ACCEPTED, OPS, _accept),
        _spec(EventKind.REJECT, {S.REGISTERED}, S.REJECTED, OPS, _reject),
        _spec(EventKind.ASSIGN, {S.ACCEPTED}, S.ASSIGNED, OPS, _assign),
        _spec(
            EventKind.RETURN, {S.ASSIGNED, S.IN_PROGRESS}, S.ACCEPTED, HANDLE, _return, public=False
        ),
        _spec(EventKind.SIGN, {S.ASSIGNED}, S.IN_PROGRESS, HANDLE, _sign),
        _spec(
            EventKind.REQUEST_EXTENSION,
            {S.IN_PROGRESS},
            None,
            HANDLE,
            _request_extension,
            public=False,
        ),
        _spec(EventKind.APPROVE_EXTENSION, {S.IN_PROGRESS}, None, SUPERVISE, _approve_extension),
        _spec(EventKind.REPLY, {S.IN_PROGRESS}, S.REPLIED, HANDLE, _reply),
        _spec(EventKind.RATE, {S.REPLIED}, S.RATED, {CITIZEN}, _rate),
        _spec(
            EventKind.REQUEST_REVIEW,
            {S.REPLIED, S.RATED},
            S.REVIEW_REQUESTED,
            {CITIZEN},
            _request_review,
        ),
        _spec(EventKind.REVIEW, {S.REVIEW_REQUESTED}, S.REVIEWED, HANDLE, _review),
        _spec(
            EventKind.REQUEST_RECHECK,
            {S.REVIEWED},
            S.RECHECK_REQUESTED,
            {CITIZEN},
            _request_recheck,
        ),
        _spec(EventKind.RECHECK, {S.RECHECK_REQUESTED}, S.RECHECKED, HANDLE, _recheck),
        _spec(
            EventKind.CLOSE,
            {S.REPLIED, S.RATED, S.REVIEWED, S.RECHECKED, S.REJECTED},
            S.CLOSED,
            OPS,
            _close,
        ),
        _spec(EventKind.SUPERVISE, OPEN, None, SUPERVISE | {SYSTEM}, _supervise),
        _spec(EventKind.URGE, OPEN, None, {CITIZEN}, _urge),
        _spec(EventKind.MARK_RATING_OVERDUE, {S.REPLIED}, None, {SYSTEM}, _mark_rating_overdue),
        _spec(EventKind.IMPORT_HISTORY, {S.REGISTERED}, S.CLOSED, {SYSTEM}, _import_history),
        _spec(EventKind.MERGE, {S.REGISTERED, S.ACCEPTED, S.ASSIGNED}, S.CLOSED, OPS, _merge),
    )
}

# Kept for callers of the skeleton: action → (states it may start from, resulting state).
TRANSITIONS: dict[str, tuple[frozenset[CaseState], CaseState]] = {
    name: (spec.from_states, spec.to_state)
    for name, spec in ACTIONS.items()
    if spec.to_state is not None
}


def next_state(current: str, action: str) -> CaseState:
    """The state ``action`` leads to from ``current``, or TransitionNotAllowed."""
    allowed = TRANSITIONS.get(action)
    if allowed is None or current not in allowed[0]:
        raise TransitionNotAllowed()
    return allowed[1]


def can_see(tree: UnitTree, actor: Actor, case: Case) -> bool:
    """Staff see the cases of their unit and of the units below it."""
    if actor.kind != "staff":
        return True
    return actor.unit_code is not None and tree.is_within(
        case.responsible_unit_code, actor.unit_code
    )


def authorize(spec: ActionSpec, case: Case, actor: Actor, tree: UnitTree) -> None:
    if actor.kind == "staff":
        if not can_see(tree, actor, case):
            raise OutsideJurisdiction()
        if actor.role not in spec.actors:
            raise NotPermitted(f"您的角色无权执行“{spec.label}”")
        if (
            spec.name == EventKind.SUPERVISE
            and actor.role != Role.ADMIN
            and actor.unit_code == case.responsible_unit_code
        ):
            raise NotPermitted("督办由上级单位发起，您无权督办本单位承办的信访件")
        return
    if actor.kind not in spec.actors:
        raise NotPermitted(f"无权执行“{spec.label}”")


def permitted_actions(case: Case, actor: Actor, ctx: LifecycleContext) -> list[ActionSpec]:
    """办理操作: the actions ``actor`` may take on ``case`` now, in lifecycle order.

    The same checks as :func:`transition` (jurisdiction, role, state and the
    preconditions that depend on the case alone); only the caller's input —
    a reason, a unit, a version — can still make an offered action fail.
    """
    offered = []
    for spec in ACTIONS.values():
        if case.state not in spec.from_states:
            continue
        try:
            authorize(spec, case, actor, ctx.tree)
            check = PRECONDITIONS.get(spec.name)
            if check is not None:
                check(case, ctx)
        except DomainError:
            continue
        offered.append(spec)
    return offered


def transition(
    case: Case,
    action: str,
    actor: Actor,
    ctx: LifecycleContext,
    data: TransitionInput | None = None,
) -> CaseEvent:
    """Apply one lifecycle action to ``case`` (flush/commit is the caller's)."""
    data = data or TransitionInput()
    spec = ACTIONS.get(action)
    if spec is None:
        raise TransitionNotAllowed(f"未知的操作：{action}")
    authorize(spec, case, actor, ctx.tree)
    if data.expected_version is not None and data.expected_version != case.version:
        raise StaleCase()
    if case.state not in spec.from_states:
        raise TransitionNotAllowed(
            f"该信访件当前状态为“{state_label(case.state)}”，不能执行“{spec.label}”"
        )
    from_state = case.state
    session = object_session(case)
    # One UPDATE (one version step) per action: no flush half-way through.
    with session.no_autoflush if session is not None else nullcontext():
        note = spec.effect(case, ctx, actor, data)
        if spec.to_state is not None:
            case.state = spec.to_state.value
        return record_event(
            case,
            kind=spec.name,
            at=ctx.now,
            actor=actor.label,
            unit_code=actor.unit_code if actor.kind == "staff" else case.responsible_unit_code,
            note=note,
            public=spec.public,
            from_state=from_state,
            to_state=case.state,
            actor_role=actor.role,
        )


def record_event(
    case: Case,
    *,
    kind: str,
    at: datetime,
    actor: str,
    unit_code: str | None,
    note: str | None,
    public: bool = True,
    from_state: str | None = None,
    to_state: str | None = None,
    actor_role: str | None = None,
) -> CaseEvent:
    """Append one timeline entry; events are never updated or deleted."""
    event = CaseEvent(
        kind=kind,
        at=at,
        actor=actor,
        unit_code=unit_code,
        note=note,
        public=public,
        from_state=from_state,
        to_state=to_state,
        actor_role=actor_role,
    )
    case.events.append(event)
    case.updated_at = at
    return event
