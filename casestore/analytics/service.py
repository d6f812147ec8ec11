"""重访率 = cases flagged repeat ÷ all cases registered in a period (domain.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Integer, cast, func, select

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
