"""HTTP translation of the case use cases (API v1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from casestore.auth.dependencies import require_service_token
from casestore.auth.lookup_guard import LookupGuard
from casestore.cases import schemas, service
from casestore.cases.service import CaseServices

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


@router.post("/lookup", response_model=schemas.CaseLookupOut)
def lookup_case(
    body: schemas.LookupRequest,
    request: Request,
    services: Services,
    guard: Annotated[LookupGuard, Depends(get_lookup_guard)],
) -> schemas.CaseLookupOut:
    """市民查询: case number + 6-digit query code."""
    client = request.client.host if request.client else "unknown"
    guard.check(body.number, client)
    try:
        return service.lookup_case(services, body.number, body.query_code)
    except service.QueryCodeMismatch:
        guard.record_failure(body.number, client)
        raise


@router.get(
    "",
    response_model=schemas.CaseListOut,
    dependencies=[Depends(require_service_token)],
)
def list_cases(
    services: Services,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> schemas.CaseListOut:
    """信访件列表 (staff): newest first, personal data masked."""
    return service.list_cases(services, limit, offset)
