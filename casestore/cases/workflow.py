"""Use cases of the lifecycle (办理): staff list/detail/actions, citizen actions.

Every action runs :func:`casestore.cases.lifecycle.transition` inside one
transaction; any refusal rolls the whole transaction back (nothing
half-written) and every attempt, allowed or refused, is audited.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casestore.auth.service import audit
from casestore.cases import schemas
from casestore.cases.constants import (
    RATING_LABELS,
    CaseState,
    Rating,
    event_label,
    state_label,
)
from casestore.cases.deadlines import WAITING_ON_STAFF, is_overdue
from casestore.cases.lifecycle import (
    ACTIONS,
    Actor,
    LifecycleContext,
    OutsideJurisdiction,
    StaleCase,
    TransitionInput,
    can_see,
    transition,
)
from casestore.cases.models import Case, CaseEvent
from casestore.cases.service import (
    CaseNotFound,
    CaseServices,
    QueryCodeMismatch,
    _summary,
    _unit_out,
)
from casestore.core.errors import DomainError
from casestore.core.security import normalize_phone
from casestore.units.models import Unit

WAITING = [s.value for s in WAITING_ON_STAFF]


class PhoneMismatch(DomainError):
    status_code = 403
    detail = "来电号码与登记的联系电话不一致，请提供查询码"


class ProofMissing(DomainError):
    status_code = 422
    detail = "请提供 6 位查询码"


# ---- shared ---------------------------------------------------------------------


def _case(session: Session, number: str) -> Case:
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None:
        raise CaseNotFound()
    return case


def _deadlines(case: Case, today: date) -> schemas.DeadlinesOut:
    return schemas.DeadlinesOut(
        accept_by=case.accept_by,
        handle_by=case.handle_by,
        due_by=case.due_by,
        rate_by=case.rate_by,
        review_request_by=case.review_request_by,
        recheck_request_by=case.recheck_request_by,
        decision_by=case.decision_by,
        overdue=case.state in WAITING and is_overdue(case.due_by, today),
    )


def _unit_name(session: Session, code: str | None) -> str | None:
    if not code:
        return None
    unit = session.get(Unit, code)
    return unit.name if unit else code


def run_action(
    services: CaseServices,
    number: str,
    action: str,
    actor: Actor,
    data: TransitionInput,
    *,
    client: str | None = None,
    check: Callable[[Case], None] | None = None,
) -> tuple[Case, LifecycleContext]:
    """Apply one action in its own transaction; audit the outcome."""
    ctx = services.context()
    outcome, detail = "ok", None
    try:
        with services.sessions() as session:
            case = _case(session, number)
            if check is not None:
                check(case)
            transition(case, action, actor, ctx, data)
            try:
                session.commit()
            except StaleDataError:
                session.rollback()
                raise StaleCase() from None
            # Everything the callers show is loaded before the session closes.
            _ = case.events, case.responsible_unit
            return case, ctx
    except DomainError as exc:
        outcome = "conflict" if exc.status_code == 409 else "denied"
        detail = exc.detail
        raise
    finally:
        audit(
            services.sessions,
            at=ctx.now,
            actor=actor.label,
            action=action,
            outcome=outcome,
            case_number=number,
            detail=detail,
            client=client,
        )


# ---- staff ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilters:
    state: list[str] | None = None
    unit_code: str | None = None
    category: str | None = None
    district: str | None = None
    street: str | None = None
    overdue: bool | None = None
    supervised: bool | None = None
    repeat: bool | None = None
    sort: str = "due"  # due (overdue first) | newest
    limit: int = 20
    offset: int = 0


def _scoped(services: CaseServices, actor: Actor, query: Select, filters: CaseFilters) -> Select:  # type: ignore[type-arg]
    tree = services.tree
    scope = actor.unit_code or tree.root_code
    if filters.unit_code:
        if tree.get(filters.unit_code) is None or not tree.is_within(filters.unit_code, scope):
            raise OutsideJurisdiction("只能筛选本单位或下级单位")
        scope = filters.unit_code
    if scope != tree.root_code:
        query = query.where(Case.responsible_unit_code.in_(sorted(tree.subtree(scope))))
    today = services.context().today
    if filters.state:
        query = query.where(Case.state.in_(filters.state))
    if filters.category:
        query = query.where(Case.category_name == filters.category)
    if filters.district:
        query = query.where(Case.district == filters.district)
    if filters.street:
        query = query.where(Case.street == filters.street)
    if filters.overdue is True:
        query = query.where(Case.due_by < today, Case.state.in_(WAITING))
    elif filters.overdue is False:
        query = query.where((Case.due_by.is_(None)) | (Case.due_by >= today))
    if filters.supervised is not None:
        query = query.where(Case.supervised.is_(filters.supervised))
    if filters.repeat is not None:
        query = query.where(Case.repeat.is_(filters.repeat))
    return query


def staff_list(
    services: CaseServices, actor: Actor, filters: CaseFilters
) -> schemas.StaffCaseListOut:
    """信访件列表: the actor's unit and below; overdue (earliest deadline) first."""
    today = services.context().today
    with services.sessions() as session:
        # count(*), not count(id): lets PostgreSQL count from the (unit, …) indexes alone.
        count = select(func.count()).select_from(Case)
        total = session.scalar(_scoped(services, actor, count, filters)) or 0
        query = _scoped(services, actor, select(Case), filters)
        if filters.sort == "newest":
            query = query.order_by(Case.created_at.desc(), Case.id.desc())
        else:
            # Overdue first = earliest deadline first; no deadline last.
            query = query.order_by(Case.due_by.asc().nulls_last(), Case.id)
        cases = session.scalars(query.limit(filters.limit).offset(filters.offset)).all()
        items = []
        for case in cases:
            summary = _summary(services, case)
            items.append(
                schemas.StaffCaseSummaryOut(
                    **summary.model_dump(),
                    version=case.version,
                    due_by=case.due_by,
                    overdue=case.state in WAITING and is_overdue(case.due_by, today),
                    supervised=case.supervised,
                    urge_count=case.urge_count,
                    repeat=case.repeat,
                    repeat_of=case.repeat_of,
                )
            )
        return schemas.StaffCaseListOut(items=items, total=total)


def allowed_actions(services: CaseServices, actor: Actor, case: Case) -> list[str]:
    names = []
    for spec in ACTIONS.values():
        if actor.role not in spec.actors or case.state not in spec.from_states:
            continue
        if spec.name == "supervise" and actor.role != "admin":
            if actor.unit_code == case.responsible_unit_code:
                continue
        names.append(spec.name)
    return names


def _detail(
    services: CaseServices, session: Session, actor: Actor, case: Case, today: date
) -> schemas.StaffCaseDetailOut:
    cipher = services.cipher
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    repeats = session.scalars(
        select(Case.number).where(Case.repeat_of == case.number).order_by(Case.id)
    ).all()
    suggested_code = services.rules.choose(
        services.tree,
        case.category_name,
        services.places.route(case.district, case.street, None).unit_code,
    )
    suggested = session.get(Unit, suggested_code)
    return schemas.StaffCaseDetailOut(
        number=case.number,
        version=case.version,
        channel=case.channel,  # type: ignore[arg-type]
        purpose=case.purpose,  # type: ignore[arg-type]
        state=CaseState(case.state),
        state_label=state_label(case.state),
        allowed_actions=allowed_actions(services, actor, case),
        description=case.description,
        summary=case.summary,
        request=case.request,
        occurred_at_text=case.occurred_at_text,
        category_name=case.category_name,
        district=case.district,
        street=case.street,
        community=case.community,
        address=case.address,
        responsible_unit=_unit_out(case.responsible_unit),
        suggested_unit=_unit_out(suggested) if suggested else None,
        complainant=schemas.ComplainantOut(
            anonymous=case.anonymous,
            name=cipher.decrypt(case.complainant_name_enc),
            phone=cipher.decrypt(case.complainant_phone_enc),
            id_number=cipher.decrypt(case.complainant_id_enc),
        ),
        deadlines=_deadlines(case, today),
        flags=schemas.CaseFlagsOut(
            supervised=case.supervised,
            supervising_unit=_unit_name(session, case.supervising_unit_code),
            urge_count=case.urge_count,
            repeat=case.repeat,
            repeat_of=case.repeat_of,
            repeat_reason=case.repeat_reason,
            rating=case.rating,
            rating_label=RATING_LABELS.get(case.rating or ""),
            rating_overdue=case.rating_overdue,
            extension_status=case.extension_status,
            extension_days=case.extension_days,
        ),
        repeats=list(repeats),
        conversation_id=case.conversation_id,
        created_at=case.created_at.astimezone(services.tz),
        timeline=[
            schemas.StaffTimelineEventOut(
                at=e.at.astimezone(services.tz),
                kind=e.kind,
                label=event_label(e.kind),
                note=e.note,
                unit=_unit_name(session, e.unit_code),
                actor=e.actor,
                actor_role=e.actor_role,
                public=e.public,
                from_state=e.from_state,
                to_state=e.to_state,
            )
            for e in events
        ],
    )


def staff_detail(
    services: CaseServices, actor: Actor, number: str, client: str | None = None
) -> schemas.StaffCaseDetailOut:
    """Case detail with personal data (audited as a view)."""
    ctx = services.context()
    with services.sessions() as session:
        case = _case(session, number)
        visible = can_see(services.tree, actor, case)
        detail = _detail(services, session, actor, case, ctx.today) if visible else None
    # Audited after the read transaction: SQLite allows one writer at a time.
    audit(
        services.sessions,
        at=ctx.now,
        actor=actor.label,
        action="view",
        outcome="ok" if detail else "denied",
        case_number=number,
        client=client,
    )
    if detail is None:
        raise OutsideJurisdiction()
    return detail


def staff_act(
    services: CaseServices,
    actor: Actor,
    number: str,
    action: str,
    body: schemas.StaffActionIn,
    client: str | None = None,
) -> schemas.StaffCaseDetailOut:
    data = TransitionInput(
        reason=body.reason,
        note=body.note,
        target_unit=body.unit_code,
        expected_version=body.version,
        days=body.days,
        approved=body.approved,
        target_case=body.target_number,
    )
    _, ctx = run_action(services, number, action, actor, data, client=client)
    with services.sessions() as session:
        return _detail(services, session, actor, _case(session, number), ctx.today)


# ---- citizens -------------------------------------------------------------------


def verify_citizen(
    services: CaseServices, case: Case, proof: schemas.CitizenProof, trusted: bool
) -> None:
    """The case is the citizen's: right query code, or (hotline) the registered phone."""
    if proof.query_code:
        if not services.hasher.query_code_matches(
            case.number, proof.query_code, case.query_code_hash
        ):
            raise QueryCodeMismatch()
        return
    if proof.phone and trusted:
        if case.phone_hash is None or not _same_hash(
            services.hasher.phone_hash(normalize_phone(proof.phone)), case.phone_hash
        ):
            raise PhoneMismatch()
        return
    raise ProofMissing()


def _same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


CITIZEN = Actor("citizen", "citizen")


def citizen_act(
    services: CaseServices,
    proof: schemas.CitizenProof,
    action: str,
    data: TransitionInput,
    *,
    trusted: bool,
    client: str | None = None,
) -> schemas.CitizenActionOut:
    actor = Actor("citizen", "hotline" if proof.phone and not proof.query_code else "citizen")
    case, ctx = run_action(
        services,
        proof.number,
        action,
        actor,
        data,
        client=client,
        check=lambda c: verify_citizen(services, c, proof, trusted),
    )
    return citizen_outcome(case, ctx.today, action)


def citizen_outcome(case: Case, today: date, action: str) -> schemas.CitizenActionOut:
    review_open = case.state in (CaseState.REPLIED, CaseState.RATED) and (
        case.review_request_by is not None and today <= case.review_request_by
    )
    recheck_open = case.state == CaseState.REVIEWED and (
        case.recheck_request_by is not None and today <= case.recheck_request_by
    )
    if action == "urge":
        message = f"已为您催办（第 {case.urge_count} 次），承办单位会尽快办理。"
    elif action == "rate" and case.rating == Rating.UNSATISFIED and review_open:
        message = (
            f"已记录您的评价：不满意。如对答复不满意，您可以在 {case.review_request_by:%Y年%m月%d日} "
            "前申请复查，由上一级单位重新审查。"
        )
    elif action == "rate":
        message = f"已记录您的评价：{RATING_LABELS.get(case.rating or '', '')}。感谢您的反馈！"
    elif action == "request_review":
        message = f"已受理您的复查申请，将于 {case.decision_by:%Y年%m月%d日} 前作出复查意见。"
    else:
        message = f"已受理您的复核申请，将于 {case.decision_by:%Y年%m月%d日} 前作出复核意见。"
    return schemas.CitizenActionOut(
        number=case.number,
        state=CaseState(case.state),
        state_label=state_label(case.state),
        message=message,
        urge_count=case.urge_count,
        review_available=review_open,
        review_request_by=case.review_request_by if review_open else None,
        recheck_available=recheck_open,
        recheck_request_by=case.recheck_request_by if recheck_open else None,
    )


def citizen_view(services: CaseServices, case: Case, session: Session) -> schemas.CaseLookupOut:
    """What a citizen sees: state, unit, deadlines and the public timeline, nothing else."""
    today = services.context().today
    events = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True))
        .order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    last = events[-1] if events else None
    review_open = case.state in (CaseState.REPLIED, CaseState.RATED) and (
        case.review_request_by is not None and today <= case.review_request_by
    )
    return schemas.CaseLookupOut(
        number=case.number,
        state=CaseState(case.state),
        state_label=state_label(case.state),
        responsible_unit=_unit_out(case.responsible_unit),
        accept_by=case.accept_by,
        created_at=case.created_at.astimezone(services.tz),
        last_event=(
            schemas.LastEventOut(
                at=last.at.astimezone(services.tz), label=event_label(last.kind), note=last.note
            )
            if last
            else None
        ),
        deadlines=_deadlines(case, today),
        timeline=[
            schemas.TimelineEventOut(
                at=e.at.astimezone(services.tz),
                kind=e.kind,
                label=event_label(e.kind),
                note=e.note,
                unit=_unit_name(session, e.unit_code),
            )
            for e in events
        ],
        urge_count=case.urge_count,
        rating=case.rating,
        rating_label=RATING_LABELS.get(case.rating or ""),
        repeat_of=case.repeat_of,
        can_urge=case.state in WAITING,
        can_evaluate=case.state == CaseState.REPLIED,
        can_request_review=review_open,
        can_request_recheck=case.state == CaseState.REVIEWED
        and case.recheck_request_by is not None
        and today <= case.recheck_request_by,
    )


def citizen_lookup(
    services: CaseServices, proof: schemas.CitizenProof, trusted: bool
) -> schemas.CaseLookupOut:
    with services.sessions() as session:
        case = _case(session, proof.number)
        verify_citizen(services, case, proof, trusted)
        return citizen_view(services, case, session)
