"""HTTP translation of the case use cases (API v1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response, status

from casestore.auth.dependencies import client_address, require_service_token, service_token_given
from casestore.auth.lookup_guard import LookupGuard
from casestore.cases import schemas, service, workflow
from casestore.cases.lifecycle import TransitionInput
from casestore.cases.service import CaseServices

T = TypeVar("T")

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


def get_case_services(request: Request) -> CaseServices:
    services: CaseServices = request.app.state.case_services
    return services


def get_lookup_guard(request: Request) -> LookupGuard:
    guard: LookupGuard = request.app.state.lookup_guard
    return guard


Services = Annotated[CaseServices, Depends(get_case_services)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.CaseCreated,
    dependencies=[Depends(require_service_token)],
)
def create_case(
    body: schemas.CaseCreate, response: Response, services: Services
) -> schemas.CaseCreated:
    """登记信访件. 201 when new; 200 with the same case when the idempotency key was used before."""
    result, created = service.register_case(services, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return result


Guard = Annotated[LookupGuard, Depends(get_lookup_guard)]
Trusted = Annotated[bool, Depends(service_token_given)]


def _guarded(guard: LookupGuard, number: str, client: str, call: Callable[[], T]) -> T:
    """Run a citizen call under the attempt limit; wrong codes/phones count."""
    guard.check(number, client)
    try:
        return call()
    except (service.QueryCodeMismatch, workflow.PhoneMismatch):
        guard.record_failure(number, client)
        raise


CITIZEN_HEADER = "X-Citizen-Session"


def citizen_client(request: Request, trusted: bool) -> str:
    """Whom the wrong-code limit counts: the citizen's conversation when a trusted service
    (the action server) names it, else the caller's address — so one chat user's wrong
    codes never lock every chat user out."""
    session = request.headers.get(CITIZEN_HEADER, "").strip()
    if trusted and session:
        return f"session:{session[:100]}"
    return client_address(request)


@router.post("/lookup", response_model=schemas.CaseLookupOut)
def lookup_case(
    body: schemas.LookupRequest,
    request: Request,
    services: Services,
    guard: Guard,
    trusted: Trusted,
) -> schemas.CaseLookupOut:
    """市民查询: case number + 6-digit query code → state, unit, deadlines, public timeline."""
    proof = schemas.CitizenProof(number=body.number, query_code=body.query_code)
    return _guarded(
        guard,
        body.number,
        citizen_client(request, trusted),
        lambda: workflow.citizen_lookup(services, proof, trusted=False),
    )


@router.post(
    "/lookup-by-phone",
    response_model=schemas.CaseLookupOut,
    dependencies=[Depends(require_service_token)],
)
def lookup_by_phone(
    body: schemas.PhoneLookupRequest, request: Request, services: Services, guard: Guard
) -> schemas.CaseLookupOut:
    """热线查询 (voice gateway / action server): case number + the calling phone number."""
    proof = schemas.CitizenProof(number=body.number, phone=body.phone)
    return _guarded(
        guard,
        body.number,
        f"phone:{body.phone}",
        lambda: workflow.citizen_lookup(services, proof, trusted=True),
    )


def _citizen_action(
    request: Request,
    services: Services,
    guard: LookupGuard,
    trusted: bool,
    proof: schemas.CitizenProof,
    action: str,
    data: TransitionInput,
) -> schemas.CitizenActionOut:
    client = client_address(request)
    return _guarded(
        guard,
        proof.number,
        client,
        lambda: workflow.citizen_act(services, proof, action, data, trusted=trusted, client=client),
    )


@router.post("/urge", response_model=schemas.CitizenActionOut)
def urge(
    body: schemas.UrgeIn, request: Request, services: Services, guard: Guard, trusted: Trusted
) -> schemas.CitizenActionOut:
    """催办: the citizen asks for their open case to be hurried; counted on the case."""
    return _citizen_action(
        request, services, guard, trusted, body, "urge", TransitionInput(reason=body.reason)
    )


@router.post("/evaluate", response_model=schemas.CitizenActionOut)
def evaluate(
    body: schemas.EvaluateIn, request: Request, services: Services, guard: Guard, trusted: Trusted
) -> schemas.CitizenActionOut:
    """评价: 满意 / 基本满意 / 不满意 (reason required); 不满意 offers 复查."""
    data = TransitionInput(rating=body.rating, reason=body.reason)
    return _citizen_action(request, services, guard, trusted, body, "rate", data)


@router.post("/request-review", response_model=schemas.CitizenActionOut)
def request_review(
    body: schemas.ReviewRequestIn,
    request: Request,
    services: Services,
    guard: Guard,
    trusted: Trusted,
) -> schemas.CitizenActionOut:
    """申请复查 (within 30 days of the reply): the unit one level above reviews."""
    data = TransitionInput(reason=body.reason)
    return _citizen_action(request, services, guard, trusted, body, "request_review", data)


@router.post("/request-recheck", response_model=schemas.CitizenActionOut)
def request_recheck(
    body: schemas.ReviewRequestIn,
    request: Request,
    services: Services,
    guard: Guard,
    trusted: Trusted,
) -> schemas.CitizenActionOut:
    """申请复核 (within 30 days of the review): one more level up."""
    data = TransitionInput(reason=body.reason)
    return _citizen_action(request, services, guard, trusted, body, "request_recheck", data)


@router.get(
    "",
    response_model=schemas.CaseListOut,
    dependencies=[Depends(require_service_token)],
)
def list_cases(
    services: Services,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> schemas.CaseListOut:
    """信访件列表 (staff): newest first, personal data masked."""
    return service.list_cases(services, limit, offset)
