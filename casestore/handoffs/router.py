"""HTTP translation of hand-offs (API v1)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from casestore.auth.dependencies import require_service_token
from casestore.cases.router import Services
from casestore.handoffs import schemas, service

router = APIRouter(
    prefix="/api/v1/handoffs", tags=["handoffs"], dependencies=[Depends(require_service_token)]
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=schemas.HandoffOut)
def report_handoff(
    body: schemas.HandoffEventIn, response: Response, services: Services
) -> schemas.HandoffOut:
    """转人工/回电 report. 201 for a new event; 200 when this event id was recorded before."""
    result, new = service.record_event(services, body)
    if not new:
        response.status_code = status.HTTP_200_OK
    return result


@router.get("", response_model=schemas.HandoffList)
def list_handoffs(
    services: Services,
    open_only: Annotated[bool, Query(alias="open")] = True,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> schemas.HandoffList:
    """The hand-off queue, longest waiting first (open ones by default)."""
    return service.list_handoffs(services, open_only, limit, offset)
