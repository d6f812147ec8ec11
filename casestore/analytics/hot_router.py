"""Hot issues (热点问题) and early warnings (预警) for supervisors and analysts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from casestore.analytics.hot_issues import HotIssuesOut, top_hot_issues
from casestore.analytics.warnings import WarningsOut, early_warnings
from casestore.auth.dependencies import current_staff
from casestore.cases.lifecycle import Actor
from casestore.cases.router import Services

router = APIRouter(prefix="/api/v1/staff", tags=["analytics"])


@router.get("/hot-issues", response_model=HotIssuesOut)
def get_hot_issues(
    services: Services,
    actor: Annotated[Actor, Depends(current_staff)],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> HotIssuesOut:
    """The hottest issues of the caller's unit and below (mines first when nothing was mined)."""
    return top_hot_issues(services, actor, limit)


@router.get("/warnings", response_model=WarningsOut)
def get_warnings(
    services: Services, actor: Annotated[Actor, Depends(current_staff)]
) -> WarningsOut:
    """Spikes, organisations named often, group petitions, repeat petitioners."""
    return early_warnings(services, actor)
