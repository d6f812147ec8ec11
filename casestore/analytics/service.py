"""Analytics use cases: 重访率 (domain.md) and the dashboard / public figures of dashboard.py."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Integer, cast, func, select

from casestore.analytics.dashboard import (
    BREAKDOWNS,
    CSV_COLUMNS,
    Cohort,
    Figures,
    Group,
    breakdown,
    breakdowns,
    csv_cells,
    district_names,
    flatten_rows,
    make_cohort,
    percent,
    trend,
    unit_options,
)
from casestore.cases.lifecycle import Actor
from casestore.cases.models import Case
from casestore.cases.service import CaseServices
from casestore.core.errors import DomainError
from casestore.units.models import Unit

GROUPS = {
    "unit": Case.responsible_unit_code,
    "district": Case.district,
    "street": Case.street,
    "category": Case.category_name,
}


class BadPeriod(DomainError):
    status_code = 422
    detail = "统计区间不正确：开始日期应不晚于结束日期，且跨度不超过 3 年"


class RepeatRateRow(BaseModel):
    key: str | None
    label: str
    total: int
    repeats: int
    rate: float


class RepeatRateOut(BaseModel):
    since: date
    until: date
    by: str
    total: int
    repeats: int
    rate: float
    rows: list[RepeatRateRow]


def _utc_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tz).astimezone(UTC)


def repeat_rate(
    services: CaseServices, actor: Actor, since: date, until: date, by: str
) -> RepeatRateOut:
    if since > until or (until - since).days > 3 * 366:
        raise BadPeriod()
    column = GROUPS[by]
    start, end = _utc_start(since, services.tz), _utc_start(until + timedelta(days=1), services.tz)
    scope = actor.unit_code or services.tree.root_code
    query = select(
        column.label("key"),
        func.count(Case.id).label("total"),
        func.coalesce(func.sum(cast(Case.repeat, Integer)), 0).label("repeats"),
    ).where(Case.created_at >= start, Case.created_at < end)
    if scope != services.tree.root_code:
        query = query.where(Case.responsible_unit_code.in_(sorted(services.tree.subtree(scope))))
    query = query.group_by(column).order_by(func.count(Case.id).desc())
    with services.sessions() as session:
        rows = session.execute(query).all()
        names = {}
        if by == "unit":
            codes = [r.key for r in rows]
            names = dict(
                session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes)))
                .tuples()
                .all()
            )
    out_rows = [
        RepeatRateRow(
            key=r.key,
            label=names.get(r.key, r.key) if r.key else "（未填写）",
            total=r.total,
            repeats=int(r.repeats),
            rate=round(int(r.repeats) / r.total, 4) if r.total else 0.0,
        )
        for r in rows
    ]
    total = sum(r.total for r in out_rows)
    repeats = sum(r.repeats for r in out_rows)
    return RepeatRateOut(
        since=since,
        until=until,
        by=by,
        total=total,
        repeats=repeats,
        rate=round(repeats / total, 4) if total else 0.0,
        rows=out_rows,
    )


# ---- dashboard (统计分析) --------------------------------------------------------


class FiguresOut(BaseModel):
    """Counts of one group of cases registered in the period, and the rates derived."""

    total: int
    repeats: int
    repeat_rate: float | None
    accept_due: int
    accept_on_time: int
    accept_rate: float | None
    reply_due: int
    reply_on_time: int
    reply_rate: float | None
    rated: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    satisfaction_rate: float | None
    rating_overdue: int
    overdue_open: int


class GroupOut(FiguresOut):
    key: str | None
    label: str


class ScopeOut(BaseModel):
    code: str
    name: str


class SummaryOut(BaseModel):
    since: date
    until: date
    scope: ScopeOut
    category: str | None
    district: str | None
    by: str | None
    totals: FiguresOut
    rows: list[GroupOut]
    generated_at: datetime


class OverviewOut(BaseModel):
    """Everything the dashboard's cards, charts and tables need, from one scan of the cohort."""

    since: date
    until: date
    scope: ScopeOut
    category: str | None
    district: str | None
    totals: FiguresOut
    by_unit: list[GroupOut]
    by_category: list[GroupOut]
    by_district: list[GroupOut]
    generated_at: datetime


class SeriesOut(BaseModel):
    key: str | None
    label: str
    counts: list[int]


class TrendsOut(BaseModel):
    since: date
    until: date
    interval: str
    by: str | None
    buckets: list[date]
    totals: list[int]
    repeats: list[int]
    series: list[SeriesOut]


class UnitOptionOut(BaseModel):
    code: str
    name: str
    level: str
    department: bool
    parent_code: str | None


class FilterOptionsOut(BaseModel):
    since: date
    until: date
    categories: list[str]
    districts: list[str]
    units: list[UnitOptionOut]


def _scope_out(services: CaseServices, code: str) -> ScopeOut:
    node = services.tree.get(code)
    return ScopeOut(code=code, name=node.name if node else code)


def dashboard_summary(services: CaseServices, cohort: Cohort, by: str | None) -> SummaryOut:
    totals, groups = breakdown(services, cohort, by)
    return SummaryOut(
        since=cohort.since,
        until=cohort.until,
        scope=_scope_out(services, cohort.scope),
        category=cohort.category,
        district=cohort.district,
        by=by,
        totals=FiguresOut(**totals.as_dict()),
        rows=[GroupOut(**row) for row in flatten_rows(groups)],
        generated_at=services.clock().astimezone(services.tz),
    )


def dashboard_overview(services: CaseServices, cohort: Cohort) -> OverviewOut:
    totals, groups = breakdowns(services, cohort, BREAKDOWNS)

    def rows(by: str) -> list[GroupOut]:
        return [GroupOut(**row) for row in flatten_rows(groups[by])]

    return OverviewOut(
        since=cohort.since,
        until=cohort.until,
        scope=_scope_out(services, cohort.scope),
        category=cohort.category,
        district=cohort.district,
        totals=FiguresOut(**totals.as_dict()),
        by_unit=rows("unit"),
        by_category=rows("category"),
        by_district=rows("district"),
        generated_at=services.clock().astimezone(services.tz),
    )


def dashboard_trends(
    services: CaseServices, cohort: Cohort, interval: str, by: str | None, top: int
) -> TrendsOut:
    result = trend(services, cohort, interval, by, top)
    return TrendsOut(
        since=cohort.since,
        until=cohort.until,
        interval=result.interval,
        by=by,
        buckets=result.buckets,
        totals=result.totals,
        repeats=result.repeats,
        series=[SeriesOut(key=s.key, label=s.label, counts=s.counts) for s in result.series],
    )


def filter_options(
    services: CaseServices, actor: Actor, categories: list[str], since: date, until: date
) -> FilterOptionsOut:
    scope = actor.unit_code or services.tree.root_code
    return FilterOptionsOut(
        since=since,
        until=until,
        categories=categories,
        districts=district_names(services),
        units=[UnitOptionOut(**u) for u in unit_options(services.tree, scope)],
    )


_GROUP_TITLES = {"unit": "承办单位", "category": "内容分类", "district": "问题属地"}
_INTERVAL_LABELS = {"day": "按日", "week": "按周", "month": "按月"}


def dashboard_csv(services: CaseServices, cohort: Cohort) -> str:
    """The dashboard's figures as one CSV (UTF-8 with BOM, for spreadsheet programs)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    now = services.clock().astimezone(services.tz)
    writer.writerow(["信访统计分析报表"])
    writer.writerow(["统计区间", f"{cohort.since:%Y-%m-%d}", f"{cohort.until:%Y-%m-%d}"])
    writer.writerow(["统计范围", _scope_out(services, cohort.scope).name, "（含下级单位）"])
    writer.writerow(["内容分类", cohort.category or "全部"])
    writer.writerow(["问题属地", cohort.district or "全部"])
    writer.writerow(["生成时间", f"{now:%Y-%m-%d %H:%M}"])
    headers = [label for _, label in CSV_COLUMNS]
    totals, groups = breakdowns(services, cohort, BREAKDOWNS)
    writer.writerow([])
    writer.writerow(["概况", *headers])
    writer.writerow(["合计", *csv_cells(totals.as_dict())])
    for by in BREAKDOWNS:
        writer.writerow([])
        writer.writerow([_GROUP_TITLES[by], *headers])
        for row in flatten_rows(groups[by]):
            writer.writerow([row["label"], *csv_cells(row)])
    result = trend(services, cohort, "auto", None)
    writer.writerow([])
    writer.writerow(
        [f"趋势（{_INTERVAL_LABELS[result.interval]}）", "信访件数", "重复信访", "重访率"]
    )
    for day, total, repeats in zip(result.buckets, result.totals, result.repeats, strict=True):
        writer.writerow(
            [f"{day:%Y-%m-%d}", total, repeats, percent(repeats / total if total else None)]
        )
    return "\ufeff" + buffer.getvalue()


# ---- public transparency (信息公开): aggregates only -------------------------------

PUBLIC_MIN_GROUP = 10  # smaller groups are merged, smaller bases give no rate


class PublicGroupOut(BaseModel):
    label: str
    total: int
    accept_rate: float | None
    reply_rate: float | None
    satisfaction_rate: float | None
    rated: int


class PublicMonthOut(BaseModel):
    month: str
    total: int


class PublicStatsOut(BaseModel):
    since: date
    until: date
    generated_at: datetime
    min_group: int
    totals: PublicGroupOut
    by_unit: list[PublicGroupOut]
    by_category: list[PublicGroupOut]
    monthly: list[PublicMonthOut]


def _public_group(label: str, figures: Figures) -> PublicGroupOut:
    def rate(value: float | None, base: int) -> float | None:
        return value if base >= PUBLIC_MIN_GROUP else None

    return PublicGroupOut(
        label=label,
        total=figures.total,
        accept_rate=rate(figures.accept_rate, figures.accept_due),
        reply_rate=rate(figures.reply_rate, figures.reply_due),
        satisfaction_rate=rate(figures.satisfaction_rate, figures.rated),
        rated=figures.rated,
    )


def _public_groups(groups: list[Group], other_label: str) -> list[PublicGroupOut]:
    """Small groups are merged into one "其他" row, and left out if that is small too."""
    shown = [
        _public_group(g.label, g.figures) for g in groups if g.figures.total >= PUBLIC_MIN_GROUP
    ]
    rest = Figures()
    for group in groups:
        if group.figures.total < PUBLIC_MIN_GROUP:
            rest.add(group.figures)
    if rest.total >= PUBLIC_MIN_GROUP:
        shown.append(_public_group(other_label, rest))
    return shown


def public_stats(services: CaseServices, days: int) -> PublicStatsOut:
    """City-wide volumes, on-time rates and satisfaction of the last ``days`` days."""
    until = services.context().today
    since = until - timedelta(days=days - 1)
    cohort = make_cohort(services, None, since, until)
    totals, groups = breakdowns(services, cohort, ["unit", "category"])
    units, categories = groups["unit"], groups["category"]
    monthly = trend(services, cohort, "month", None)
    return PublicStatsOut(
        since=since,
        until=until,
        generated_at=services.clock().astimezone(services.tz),
        min_group=PUBLIC_MIN_GROUP,
        totals=_public_group("全市", totals),
        by_unit=_public_groups(units, "其他单位（合计）"),
        by_category=_public_groups(
            [g for g in categories if g.key is not None], "其他分类（合计）"
        ),
        monthly=[
            PublicMonthOut(month=f"{day:%Y-%m}", total=total)
            for day, total in zip(monthly.buckets, monthly.totals, strict=True)
        ],
    )
