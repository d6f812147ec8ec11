"""Analytics (统计分析) for staff: 重访率, dashboard figures, trends, CSV export.

Every figure is scoped to the signed-in staff member's unit and the units below
it; ``unit`` narrows the scope further (403 outside it). Default period: the
last 30 days up to today (local dates).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from casestore.analytics.dashboard import Cohort, make_cohort
from casestore.analytics.service import (
    FilterOptionsOut,
    OverviewOut,
    RepeatRateOut,
    SummaryOut,
    TrendsOut,
    dashboard_csv,
    dashboard_overview,
    dashboard_summary,
    dashboard_trends,
    filter_options,
    repeat_rate,
)
from casestore.auth.dependencies import current_staff
from casestore.cases.lifecycle import Actor
from casestore.cases.router import Services
from casestore.cases.service import CaseServices
from casestore.open311.service import load_services

router = APIRouter(prefix="/api/v1/staff/stats", tags=["analytics"])

Staff = Annotated[Actor, Depends(current_staff)]
Category = Annotated[str | None, Query(max_length=50, description="一级分类")]
District = Annotated[str | None, Query(max_length=100, description="问题属地（区县）")]
Unit = Annotated[str | None, Query(max_length=100, description="承办单位代码（含下级）")]
By = Annotated[str | None, Query(pattern="^(unit|category|district)$")]


def _period(services: CaseServices, since: date | None, until: date | None) -> tuple[date, date]:
    until = until or services.context().today
    return since or until - timedelta(days=29), until


def cohort_of(
    services: Services,
    actor: Staff,
    since: date | None = None,
    until: date | None = None,
    category: Category = None,
    district: District = None,
    unit: Unit = None,
) -> Cohort:
    """The filters every dashboard endpoint shares (统计区间、分类、属地、承办单位)."""
    start, end = _period(services, since, until)
    return make_cohort(services, actor, start, end, category=category, district=district, unit=unit)


Filters = Annotated[Cohort, Depends(cohort_of)]


@router.get("/repeat-rate", response_model=RepeatRateOut)
def get_repeat_rate(
    services: Services,
    actor: Staff,
    since: date | None = None,
    until: date | None = None,
    by: Annotated[str, Query(pattern="^(unit|district|street|category)$")] = "unit",
) -> RepeatRateOut:
    """重访率 over a period (default: the last 30 days) by unit, district, street or category."""
    start, end = _period(services, since, until)
    return repeat_rate(services, actor, start, end, by)


@router.get("/summary", response_model=SummaryOut)
def get_summary(services: Services, cohort: Filters, by: By = None) -> SummaryOut:
    """概况: volume, 重访率, 按期受理率, 按期答复率, 满意率, 当前超期; rows per ``by``."""
    return dashboard_summary(services, cohort, by)


@router.get("/overview", response_model=OverviewOut)
def get_overview(services: Services, cohort: Filters) -> OverviewOut:
    """The whole dashboard in one call: totals and rows by unit, category and district."""
    return dashboard_overview(services, cohort)


@router.get("/trends", response_model=TrendsOut)
def get_trends(
    services: Services,
    cohort: Filters,
    interval: Annotated[str, Query(pattern="^(auto|day|week|month)$")] = "auto",
    by: By = None,
    top: Annotated[int, Query(ge=1, le=20)] = 8,
) -> TrendsOut:
    """Cases per day / week / month (auto: by the period's length); top groups + 其他."""
    return dashboard_trends(services, cohort, interval, by, top)


@router.get("/filters", response_model=FilterOptionsOut)
def get_filters(request: Request, services: Services, actor: Staff) -> FilterOptionsOut:
    """What the filter bar offers: categories, districts, units of the actor's scope."""
    categories = [
        s["service_code"] for s in load_services(request.app.state.settings.taxonomy_file)
    ]
    since, until = _period(services, None, None)
    return filter_options(services, actor, categories, since, until)


@router.get("/export.csv")
def export_dashboard(services: Services, cohort: Filters) -> Response:
    """导出: the dashboard's figures (概况, by unit / category / district, trend) as CSV."""
    name = f"xf-stats-{cohort.since:%Y%m%d}-{cohort.until:%Y%m%d}.csv"
    return Response(
        dashboard_csv(services, cohort),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
