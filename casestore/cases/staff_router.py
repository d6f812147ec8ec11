"""Staff API (工作人员): list, detail with timeline, one endpoint per lifecycle action."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select

from casestore.auth.dependencies import client_address, current_staff
from casestore.cases import schemas, workflow
from casestore.cases.constants import CaseState, Role
from casestore.cases.lifecycle import Actor, NotPermitted, permitted_actions
from casestore.cases.models import Case
from casestore.cases.router import Services
from casestore.cases.service import CaseServices
from casestore.cases.supervision import supervise_overdue
from casestore.units.directory import district_unit_code, street_unit_code
from gazetteer import Gazetteer

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
Staff = Annotated[Actor, Depends(current_staff)]

# URL segment → lifecycle action.
STAFF_ACTIONS = {
    "accept": "accept",
    "reject": "reject",
    "assign": "assign",
    "return": "return",
    "sign": "sign",
    "request-extension": "request_extension",
    "approve-extension": "approve_extension",
    "reply": "reply",
    "review": "review",
    "recheck": "recheck",
    "close": "close",
    "supervise": "supervise",
    "merge": "merge",
}
SEGMENTS = {action: segment for segment, action in STAFF_ACTIONS.items()}


def _with_actions(
    services: CaseServices, actor: Actor, detail: schemas.StaffCaseDetailOut
) -> schemas.StaffCaseDetailOut:
    """What this staff member may do now, from the lifecycle's own checks (so the
    console offers exactly what the action endpoints accept)."""
    with services.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == detail.number))
        specs = permitted_actions(case, actor, services.context()) if case else []
    offered = [spec for spec in specs if spec.name in SEGMENTS]
    detail.allowed_actions = [spec.name for spec in offered]
    detail.actions = [
        schemas.AllowedActionOut(action=spec.name, label=spec.label, path=SEGMENTS[spec.name])
        for spec in offered
    ]
    return detail


@router.get("/cases", response_model=schemas.StaffCaseListOut)
def list_cases(
    services: Services,
    actor: Staff,
    state: Annotated[list[CaseState] | None, Query()] = None,
    unit: Annotated[str | None, Query(max_length=100)] = None,
    category: Annotated[str | None, Query(max_length=50)] = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    street: Annotated[str | None, Query(max_length=100)] = None,
    overdue: bool | None = None,
    supervised: bool | None = None,
    repeat: bool | None = None,
    sort: Annotated[str, Query(pattern="^(due|newest)$")] = "due",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> schemas.StaffCaseListOut:
    """本单位及下级单位的信访件; 默认超期、期限最近的在前."""
    filters = workflow.CaseFilters(
        state=[s.value for s in state] if state else None,
        unit_code=unit,
        category=category,
        district=district,
        street=street,
        overdue=overdue,
        supervised=supervised,
        repeat=repeat,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return workflow.staff_list(services, actor, filters)


@router.get("/cases/{number}", response_model=schemas.StaffCaseDetailOut)
def case_detail(
    number: str, request: Request, services: Services, actor: Staff
) -> schemas.StaffCaseDetailOut:
    """信访件详情: personal data, the full timeline (查看留痕) and the allowed actions."""
    detail = workflow.staff_detail(services, actor, number.upper(), client_address(request))
    return _with_actions(services, actor, detail)


def _action_endpoint(action: str):  # type: ignore[no-untyped-def]
    def act(
        number: str,
        body: schemas.StaffActionIn,
        request: Request,
        services: Services,
        actor: Staff,
    ) -> schemas.StaffCaseDetailOut:
        detail = workflow.staff_act(
            services, actor, number.upper(), action, body, client_address(request)
        )
        return _with_actions(services, actor, detail)

    act.__name__ = f"case_{action}"
    return act


for _segment, _action in STAFF_ACTIONS.items():
    router.add_api_route(
        f"/cases/{{number}}/{_segment}",
        _action_endpoint(_action),
        methods=["POST"],
        response_model=schemas.StaffCaseDetailOut,
        name=f"case_{_action}",
    )


@router.post("/supervise-overdue")
def run_supervision(services: Services, actor: Staff) -> dict[str, int]:
    """立即执行一次超期督办扫描 (supervisor/admin)."""
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise NotPermitted()
    report = supervise_overdue(services)
    return {
        "supervised": report.supervised,
        "rating_overdue": report.rating_overdue,
        "skipped": report.skipped,
    }


@router.get("/cases.csv")
def export_cases(
    services: Services,
    actor: Staff,
    state: Annotated[list[CaseState] | None, Query()] = None,
    unit: Annotated[str | None, Query(max_length=100)] = None,
    category: Annotated[str | None, Query(max_length=50)] = None,
    overdue: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> StreamingResponse:
    """导出 CSV (no personal data), same filters as the list, newest first."""
    from sqlalchemy import select

    from casestore.cases.importer import export_rows, to_csv
    from casestore.cases.models import Case

    filters = workflow.CaseFilters(
        state=[s.value for s in state] if state else None,
        unit_code=unit,
        category=category,
        overdue=overdue,
    )
    with services.sessions() as session:
        query = workflow._scoped(services, actor, select(Case), filters)
        cases = list(session.scalars(query.order_by(Case.created_at.desc()).limit(limit)))
        body = "".join(to_csv(export_rows(services, cases)))
    return StreamingResponse(
        iter([body]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
    )


@router.post("/cases", status_code=201, response_model=schemas.CaseCreated)
def register_by_hand(
    body: schemas.CaseCreate, request: Request, response: Response, services: Services, actor: Staff
) -> schemas.CaseCreated:
    """登记来信、来访 (staff register letters and visits by hand; idempotent like the API)."""
    from casestore.auth.service import audit
    from casestore.cases.service import register_case

    if actor.role not in (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN):
        raise NotPermitted("只有接线员、督办负责人或管理员可以登记信访件")
    result, created = register_case(services, body)
    if not created:
        response.status_code = 200
    audit(
        services.sessions,
        at=services.clock(),
        actor=actor.label,
        action="register",
        outcome="ok",
        case_number=result.number,
        client=client_address(request),
    )
    return result


class UnitOut(BaseModel):
    code: str
    name: str
    level: str
    kind: str
    department: str | None
    parent_code: str | None
    # The area a district or street government stands for, as cases store it
    # (their ``district`` / ``street`` filters): 金水区, 花园路街道; None for others.
    place: str | None = None


def _place_names(city: Gazetteer) -> dict[str, str]:
    names: dict[str, str] = {}
    for district in city.districts:
        names[district_unit_code(city, district)] = district.name
        for street in district.streets:
            names[street_unit_code(city, district, street)] = street.name
    return names


@router.get("/units", response_model=list[UnitOut])
def units(services: Services, actor: Staff) -> list[UnitOut]:
    """本单位及下级单位 (assign targets), parents before children."""
    tree = services.tree
    scope = tree.subtree(actor.unit_code or tree.root_code)
    order = {"city": 0, "district": 1, "street": 2}
    nodes = sorted((tree.nodes[c] for c in scope), key=lambda n: (order.get(n.level, 3), n.code))
    places = _place_names(services.places.city)
    return [
        UnitOut(
            code=n.code,
            name=n.name,
            level=n.level,
            kind=n.kind,
            department=n.department,
            parent_code=n.parent_code,
            place=places.get(n.code) if n.kind != "department" else None,
        )
        for n in nodes
    ]
