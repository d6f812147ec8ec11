from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from casestore.analytics.service import RepeatRateOut, repeat_rate
from casestore.auth.dependencies import current_staff
from casestore.cases.lifecycle import Actor
from casestore.cases.router import Services

router = APIRouter(prefix="/api/v1/staff/stats", tags=["analytics"])


@router.get("/repeat-rate", response_model=RepeatRateOut)
def get_repeat_rate(
    services: Services,
    actor: Annotated[Actor, Depends(current_staff)],
    since: date | None = None,
    until: date | None = None,
    by: Annotated[str, Query(pattern="^(unit|district|street|category)$")] = "unit",
) -> RepeatRateOut:
    """重访率 over a period (default: the last 30 days) by unit, district, street or category."""
    today = services.context().today
    until = until or today
    since = since or until - timedelta(days=29)
    return repeat_rate(services, actor, since, until, by)
