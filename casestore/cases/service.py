"""Case use cases: register (登记), look up (查询), list. Services decide; routers translate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from casestore.analytics.hot_issues import on_case_registered
from casestore.cases import schemas
from casestore.cases.constants import (
    CHANNEL_LABELS,
    REPEAT_REASON_LABELS,
    CaseState,
    EventKind,
    state_label,
)
from casestore.cases.deadlines import TimeLimits
from casestore.cases.lifecycle import LifecycleContext, record_event
from casestore.cases.models import Case
from casestore.cases.numbering import allocate_number
from casestore.cases.repeats import RepeatPolicy, case_text, find_repeat
from casestore.core.clock import Clock, local_date
from casestore.core.errors import DomainError
from casestore.core.logging import get_logger
from casestore.core.security import (
    KeyedHasher,
    PersonalDataCipher,
    mask_id_number,
    mask_name,
    mask_phone,
)
from casestore.units.models import Unit
from casestore.units.routing import PlaceIndex
from casestore.units.rules import RoutingRules
from casestore.units.schemas import ResponsibleUnitOut
from casestore.units.tree import UnitTree

logger = get_logger(__name__)

_CREATE_ATTEMPTS = 5


class CaseNotFound(DomainError):
    status_code = 404
    detail = "未找到该信访件，请核对案件编号"


class QueryCodeMismatch(DomainError):
    status_code = 403
    detail = "查询码不正确，请核对后再试"


@dataclass(frozen=True)
class CaseServices:
    """What the case use cases need, built once per app from the settings."""

    sessions: sessionmaker[Session]
    places: PlaceIndex
    cipher: PersonalDataCipher
    hasher: KeyedHasher
    clock: Clock
    tz: ZoneInfo
    limits: TimeLimits
    tree: UnitTree
    rules: RoutingRules
    repeats: RepeatPolicy = field(default_factory=RepeatPolicy)

    @property
    def accept_days(self) -> int:
        return self.limits.accept_days

    def context(self) -> LifecycleContext:
        return LifecycleContext(tree=self.tree, limits=self.limits, tz=self.tz, now=self.clock())


def _unit_out(unit: Unit) -> ResponsibleUnitOut:
    return ResponsibleUnitOut.model_validate(unit)


def _created_out(case: Case, query_code: str, tz: ZoneInfo) -> schemas.CaseCreated:
    return schemas.CaseCreated(
        number=case.number,
        query_code=query_code,
        state=CaseState(case.state),
        state_label=state_label(case.state),
        responsible_unit=_unit_out(case.responsible_unit),
        accept_by=case.accept_by,
        created_at=case.created_at.astimezone(tz),
        repeat_of=case.repeat_of,
        repeat_reason=case.repeat_reason,
        repeat_reason_label=REPEAT_REASON_LABELS.get(case.repeat_reason or ""),
    )


def register_case(
    services: CaseServices, data: schemas.CaseCreate
) -> tuple[schemas.CaseCreated, bool]:
    """登记: create the case, or return the one already made with this idempotency key.

    Returns (result, created). Retries when a concurrent request won a unique
    constraint (same idempotency key, or a number race).
    """
    for _ in range(_CREATE_ATTEMPTS):
        with services.sessions() as session:
            existing = _by_idempotency_key(session, data.idempotency_key)
            if existing is not None:
                code = services.hasher.query_code(existing.number, existing.idempotency_key)
                return _created_out(existing, code, services.tz), False
            try:
                case, code = _insert_case(session, services, data)
                session.commit()
            except IntegrityError:
                session.rollback()
                continue
            logger.info(
                "case %s registered via %s, routed to %s",
                case.number,
                case.channel,
                case.responsible_unit_code,
            )
            on_case_registered(services, case.id)  # 热点问题, incremental; never raises
            return _created_out(case, code, services.tz), True
    raise RuntimeError("case registration kept conflicting; giving up")


def _by_idempotency_key(session: Session, key: str) -> Case | None:
    return session.scalar(select(Case).where(Case.idempotency_key == key))


def _insert_case(
    session: Session,
    services: CaseServices,
    data: schemas.CaseCreate,
    external_id: str | None = None,
    now: datetime | None = None,
) -> tuple[Case, str]:
    now = now or services.clock()
    today = local_date(now, services.tz)
    routed = services.places.route(
        data.location.district, data.location.street, data.location.community
    )
    category = data.category.name if data.category else None
    chosen = services.rules.choose(services.tree, category, routed.unit_code)
    unit = (
        session.get(Unit, chosen)
        or session.get(Unit, routed.unit_code)
        or session.get(Unit, services.places.city_code)
    )
    if unit is None:
        raise RuntimeError("unit directory is empty; was the app started (seed) correctly?")

    number = allocate_number(session, today)
    query_code = services.hasher.query_code(number, data.idempotency_key)
    person = data.complainant
    anonymous = person.anonymous
    if anonymous and (person.name or person.phone or person.id_number):
        logger.warning("anonymous case %s came with personal data; discarded", number)
    address_parts = [*routed.unresolved, data.location.address or ""]
    phone_hash = (
        services.hasher.phone_hash(person.phone) if person.phone and not anonymous else None
    )
    id_hash = (
        services.hasher.id_hash(person.id_number) if person.id_number and not anonymous else None
    )
    repeat = find_repeat(
        session,
        services.repeats,
        text=case_text(data.summary, data.description),
        district=routed.district,
        street=routed.street,
        phone_hash=phone_hash,
        id_hash=id_hash,
        now=now,
    )
    accept_by = today + timedelta(days=services.accept_days)

    case = Case(
        number=number,
        query_code_hash=services.hasher.query_code_hash(number, query_code),
        idempotency_key=data.idempotency_key,
        channel=data.channel.value,
        purpose=data.purpose.value,
        state=CaseState.REGISTERED.value,
        description=data.description,
        summary=data.summary,
        request=data.request,
        occurred_at_text=data.occurred_at_text,
        district=routed.district,
        street=routed.street,
        community=data.location.community,
        address=" ".join(p for p in address_parts if p.strip()) or None,
        responsible_unit=unit,
        category_name=data.category.name if data.category else None,
        category_confidence=data.category.confidence if data.category else None,
        anonymous=anonymous,
        complainant_name_enc=None if anonymous else services.cipher.encrypt(person.name),
        complainant_phone_enc=None if anonymous else services.cipher.encrypt(person.phone),
        complainant_id_enc=None if anonymous else services.cipher.encrypt(person.id_number),
        phone_hash=phone_hash,
        id_hash=id_hash,
        conversation_id=data.conversation_id,
        accept_by=accept_by,
        due_by=accept_by,
        repeat=repeat is not None,
        repeat_of=repeat.number if repeat else None,
        repeat_reason=repeat.reason if repeat else None,
        external_id=external_id,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    record_event(
        case,
        kind=EventKind.REGISTERED.value,
        at=now,
        actor=f"channel:{data.channel.value}",
        unit_code=unit.code,
        note=f"经{CHANNEL_LABELS[data.channel]}登记，交{unit.name}，受理告知期限 {case.accept_by:%Y-%m-%d}"
        + (f"；与信访件 {repeat.number} 属重复信访，已关联" if repeat else ""),
    )
    session.flush()
    return case, query_code


def list_cases(services: CaseServices, limit: int, offset: int) -> schemas.CaseListOut:
    """Staff list, newest first, personal data masked."""
    with services.sessions() as session:
        total = session.scalar(select(func.count()).select_from(Case)) or 0
        cases = session.scalars(
            select(Case)
            .order_by(Case.created_at.desc(), Case.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return schemas.CaseListOut(items=[_summary(services, c) for c in cases], total=total)


def _summary(services: CaseServices, case: Case) -> schemas.CaseSummaryOut:
    cipher = services.cipher
    return schemas.CaseSummaryOut(
        number=case.number,
        channel=case.channel,  # type: ignore[arg-type]
        purpose=case.purpose,  # type: ignore[arg-type]
        state=CaseState(case.state),
        state_label=state_label(case.state),
        summary=case.summary,
        category_name=case.category_name,
        district=case.district,
        street=case.street,
        responsible_unit=_unit_out(case.responsible_unit),
        conversation_id=case.conversation_id,
        complainant=schemas.ComplainantMasked(
            anonymous=case.anonymous,
            name=mask_name(cipher.decrypt(case.complainant_name_enc)),
            phone=mask_phone(cipher.decrypt(case.complainant_phone_enc)),
            id_number=mask_id_number(cipher.decrypt(case.complainant_id_enc)),
        ),
        accept_by=case.accept_by,
        created_at=case.created_at.astimezone(services.tz),
    )
