"""Dashboard figures (统计分析): volumes, trends, 重访率, 按期率 and 满意率.

Every figure is computed over one cohort: the cases registered in the period
(local calendar days of ``CASE_TIMEZONE``) in a unit and the units below it,
narrowed by category and district. The filters therefore mean the same set of
cases on every chart. One grouped query scans the cohort once (created_at and
unit + created_at indexes) and sums conditional flags:

- 按期受理 (decided on time): base = cases accepted or refused (受理 / 不予受理
  event), plus those still waiting for the decision past ``accept_by``; on
  time = the decision's local date is on or before ``accept_by``.
- 按期答复 (replied on time): base = accepted cases (``handle_by`` set) that
  were replied, plus those still open past ``handle_by``; on time = replied on
  or before ``handle_by`` (the extended date after an approved 延期). Cases
  closed without a reply (合并办理) and imported history have no such deadline.
- 满意率 = (满意 + 基本满意) ÷ rated cases; 超期未评价 is counted apart.
- 重访率 = cases flagged repeat ÷ all cases.
- 当前超期 = cases of the cohort waiting on staff past their current deadline.

Grouping "by unit" rolls every case up to the unit directly below the scope
(for the city: districts and city departments; for a district: its streets
and bureaus), so a chart stays readable and a click can drill down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Index,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from casestore.cases.constants import CaseState, EventKind, Rating
from casestore.cases.deadlines import WAITING_ON_STAFF
from casestore.cases.lifecycle import Actor, OutsideJurisdiction, UnknownUnit
from casestore.cases.models import Case, CaseEvent
from casestore.cases.service import CaseServices
from casestore.core.errors import DomainError
from casestore.units.tree import UnitTree

MAX_PERIOD_DAYS = 3 * 366
MAX_BUCKETS = 400
DECISIONS = (EventKind.ACCEPT.value, EventKind.REJECT.value)
NO_CATEGORY = "（未分类）"
NO_DISTRICT = "（属地未明确）"
BREAKDOWNS = ("unit", "category", "district")
INTERVALS = ("day", "week", "month")


# Migration 0007. Declared here, next to the only queries that need them, so that
# the metadata matches the migrations (they would be as fine in cases/models.py).
# The cohort index holds every column the figures read, after created_at: a
# period is then an index-only range scan, a tenth of the table's pages (the
# table carries the texts). Same columns on SQLite, where it covers too.
COHORT_COLUMNS = (
    "created_at",
    "responsible_unit_code",
    "category_name",
    "district",
    "state",
    "repeat",
    "rating",
    "rating_overdue",
    "accept_by",
    "handle_by",
    "due_by",
    "replied_at",
    "closed_at",
    "id",
)
COHORT_INDEX = Index("ix_cases_dashboard", *(Case.__table__.c[name] for name in COHORT_COLUMNS))
DECISION_INDEX = Index("ix_case_events_kind_at", CaseEvent.kind, CaseEvent.at, CaseEvent.case_id)


class BadPeriod(DomainError):
    status_code = 422
    detail = "统计区间不正确：开始日期应不晚于结束日期，且跨度不超过 3 年"


class TooManyBuckets(DomainError):
    status_code = 422
    detail = "统计区间太长，请按周或按月查看趋势"


@dataclass(frozen=True)
class Cohort:
    """Which cases a figure counts: registered in [since, until], in ``scope`` and below."""

    since: date
    until: date
    scope: str
    category: str | None = None
    district: str | None = None


def make_cohort(
    services: CaseServices,
    actor: Actor | None,
    since: date,
    until: date,
    *,
    category: str | None = None,
    district: str | None = None,
    unit: str | None = None,
) -> Cohort:
    """Check the period and the unit filter against the actor's jurisdiction (None = public)."""
    if since > until or (until - since).days > MAX_PERIOD_DAYS:
        raise BadPeriod()
    tree = services.tree
    own = (actor.unit_code if actor else None) or tree.root_code
    scope = own
    if unit:
        if tree.get(unit) is None:
            raise UnknownUnit(f"找不到承办单位：{unit}")
        if not tree.is_within(unit, own):
            raise OutsideJurisdiction("只能查看本单位或下级单位的统计")
        scope = unit
    return Cohort(since, until, scope, category or None, district or None)


# ---- figures --------------------------------------------------------------------


@dataclass
class Figures:
    """Counts of one group of the cohort; the rates are derived."""

    total: int = 0
    repeats: int = 0
    accept_due: int = 0
    accept_on_time: int = 0
    reply_due: int = 0
    reply_on_time: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    unsatisfied: int = 0
    rating_overdue: int = 0
    overdue_open: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied

    @property
    def repeat_rate(self) -> float | None:
        return _rate(self.repeats, self.total)

    @property
    def accept_rate(self) -> float | None:
        return _rate(self.accept_on_time, self.accept_due)

    @property
    def reply_rate(self) -> float | None:
        return _rate(self.reply_on_time, self.reply_due)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied + self.basically_satisfied, self.rated)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out.update(
            rated=self.rated,
            repeat_rate=self.repeat_rate,
            accept_rate=self.accept_rate,
            reply_rate=self.reply_rate,
            satisfaction_rate=self.satisfaction_rate,
        )
        return out


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Group:
    key: str | None
    label: str
    figures: Figures = field(default_factory=Figures)


# ---- SQL building blocks --------------------------------------------------------


def utc_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tz).astimezone(UTC)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


_SAFE_WORD = re.compile(r"^[A-Za-z0-9_/+\- ]+$")


def _word(value: str) -> ColumnElement[Any]:
    """A constant written into the SQL text, not bound: PostgreSQL must see the same
    expression in SELECT and GROUP BY (server-side parameters would differ)."""
    if not _SAFE_WORD.match(value):
        raise ValueError(f"unexpected SQL constant: {value!r}")
    return literal_column(f"'{value}'")


def _pg_local(column: Any, tz: ZoneInfo) -> ColumnElement[Any]:
    return func.timezone(_word(tz.key), func.timezone(_word("UTC"), column))


def local_date(column: Any, dialect: str, tz: ZoneInfo) -> ColumnElement[Any]:
    """The local calendar date of a naive-UTC timestamp column, in SQL.

    PostgreSQL converts with the zone's rules; SQLite applies the zone's
    current UTC offset (exact for zones without daylight saving, e.g. China).
    """
    if dialect == "postgresql":
        return cast(_pg_local(column, tz), Date)
    offset = tz.utcoffset(datetime.now())
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return func.date(column, _word(f"{minutes:+d} minutes"))


def _bucket(column: Any, dialect: str, tz: ZoneInfo, interval: str) -> ColumnElement[Any]:
    """The first local day of the day / week (Monday) / month a timestamp falls in."""
    if dialect == "postgresql":
        local = _pg_local(column, tz)
        if interval == "day":
            return cast(local, Date)
        return cast(func.date_trunc(_word(interval), local), Date)
    day = local_date(column, dialect, tz)
    if interval == "week":
        return func.date(day, _word("weekday 0"), _word("-6 days"))
    if interval == "month":
        return func.date(day, _word("start of month"))
    return day


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _cohort_where(services: CaseServices, cohort: Cohort) -> list[ColumnElement[bool]]:
    tz = services.tz
    conditions = [
        Case.created_at >= utc_start(cohort.since, tz),
        Case.created_at < utc_start(cohort.until + timedelta(days=1), tz),
    ]
    if cohort.scope != services.tree.root_code:
        units = sorted(services.tree.subtree(cohort.scope))
        conditions.append(Case.responsible_unit_code.in_(units))
    if cohort.category:
        conditions.append(Case.category_name == cohort.category)
    if cohort.district:
        conditions.append(Case.district == cohort.district)
    return conditions


def _flag(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _figure_columns(dialect: str, tz: ZoneInfo, today: date) -> list[ColumnElement[Any]]:
    decided = CaseEvent.case_id.is_not(None)
    replied_day = local_date(Case.replied_at, dialect, tz)
    waiting = [s.value for s in WAITING_ON_STAFF]
    return [
        func.count(Case.id).label("total"),
        func.coalesce(func.sum(cast(Case.repeat, Integer)), 0).label("repeats"),
        _flag(
            or_(decided, and_(Case.state == CaseState.REGISTERED.value, Case.accept_by < today))
        ).label("accept_due"),
        _flag(and_(decided, local_date(CaseEvent.at, dialect, tz) <= Case.accept_by)).label(
            "accept_on_time"
        ),
        _flag(
            and_(
                Case.handle_by.is_not(None),
                or_(
                    Case.replied_at.is_not(None),
                    and_(Case.closed_at.is_(None), Case.handle_by < today),
                ),
            )
        ).label("reply_due"),
        _flag(
            and_(
                Case.handle_by.is_not(None),
                Case.replied_at.is_not(None),
                replied_day <= Case.handle_by,
            )
        ).label("reply_on_time"),
        _flag(Case.rating == Rating.SATISFIED.value).label("satisfied"),
        _flag(Case.rating == Rating.BASICALLY_SATISFIED.value).label("basically_satisfied"),
        _flag(Case.rating == Rating.UNSATISFIED.value).label("unsatisfied"),
        _flag(and_(Case.rating_overdue.is_(True), Case.rating.is_(None))).label("rating_overdue"),
        _flag(and_(Case.state.in_(waiting), Case.due_by < today)).label("overdue_open"),
    ]


FIGURE_NAMES = [f.name for f in fields(Figures)]


def _figures_query(
    services: CaseServices, cohort: Cohort, dialect: str, keys: Sequence[Any]
) -> Select[Any]:
    today = services.context().today
    columns = _figure_columns(dialect, services.tz, today)
    labelled = [key.label(f"key{i}") for i, key in enumerate(keys)]
    # At most one 受理 or 不予受理 event per case (both leave "registered" for good);
    # it cannot precede the period's start, which keeps the index range short.
    decision = and_(
        CaseEvent.case_id == Case.id,
        CaseEvent.kind.in_(DECISIONS),
        CaseEvent.at >= utc_start(cohort.since, services.tz),
    )
    query = (
        select(*labelled, *columns)
        .select_from(Case)
        .outerjoin(CaseEvent, decision)
        .where(*_cohort_where(services, cohort))
    )
    return query.group_by(*keys) if keys else query


def _key_column(by: str) -> Any:
    return {
        "unit": Case.responsible_unit_code,
        "category": Case.category_name,
        "district": Case.district,
    }[by]


def _label(by: str, key: str | None, tree: UnitTree, scope: str) -> str:
    if by == "unit":
        node = tree.get(key)
        if node is None:
            return key or "（未知单位）"
        return f"{node.name}（本级）" if key == scope else node.name
    if by == "category":
        return key or NO_CATEGORY
    return key or NO_DISTRICT


def roll_up_unit(tree: UnitTree, scope: str, code: str | None) -> str | None:
    """The unit directly below ``scope`` that ``code`` belongs to (``scope`` itself for its own)."""
    if code is None:
        return None
    chain = tree.ancestors(code)
    if scope not in chain:
        return code
    index = chain.index(scope)
    return chain[index - 1] if index > 0 else scope


def breakdowns(
    services: CaseServices, cohort: Cohort, bys: Sequence[str]
) -> tuple[Figures, dict[str, list[Group]]]:
    """The cohort's totals and, for each of ``bys``, one group per unit / category / district.

    One query grouped by every key at once; each breakdown is summed up from it.
    """
    with services.sessions() as session:
        dialect = _dialect(session)
        keys = [_key_column(by) for by in bys]
        rows = session.execute(_figures_query(services, cohort, dialect, keys)).all()
    totals = Figures()
    groups: dict[str, dict[str | None, Group]] = {by: {} for by in bys}
    for row in rows:
        figures = Figures(**{name: int(getattr(row, name) or 0) for name in FIGURE_NAMES})
        totals.add(figures)
        for i, by in enumerate(bys):
            raw = getattr(row, f"key{i}")
            key = roll_up_unit(services.tree, cohort.scope, raw) if by == "unit" else raw
            group = groups[by].get(key)
            if group is None:
                label = _label(by, key, services.tree, cohort.scope)
                group = groups[by][key] = Group(key, label)
            group.figures.add(figures)
    ordered = {
        by: sorted(found.values(), key=lambda g: (-g.figures.total, g.label))
        for by, found in groups.items()
    }
    return totals, ordered


def breakdown(
    services: CaseServices, cohort: Cohort, by: str | None
) -> tuple[Figures, list[Group]]:
    """The cohort's totals and, when ``by`` is given, one group per unit / category / district."""
    totals, groups = breakdowns(services, cohort, [by] if by else [])
    return totals, groups[by] if by else []


# ---- trends ---------------------------------------------------------------------


def choose_interval(since: date, until: date, interval: str) -> str:
    if interval in INTERVALS:
        return interval
    days = (until - since).days + 1
    return "day" if days <= 62 else "week" if days <= 366 else "month"


def bucket_starts(since: date, until: date, interval: str) -> list[date]:
    if interval == "day":
        first = since
    elif interval == "week":
        first = since - timedelta(days=since.weekday())
    else:
        first = since.replace(day=1)
    out: list[date] = []
    current = first
    while current <= until:
        out.append(current)
        if len(out) > MAX_BUCKETS:
            raise TooManyBuckets()
        if interval == "day":
            current += timedelta(days=1)
        elif interval == "week":
            current += timedelta(days=7)
        else:
            current = (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


@dataclass
class Series:
    key: str | None
    label: str
    counts: list[int]


@dataclass
class Trend:
    interval: str
    buckets: list[date]
    totals: list[int]
    repeats: list[int]
    series: list[Series]


def trend(
    services: CaseServices, cohort: Cohort, interval: str, by: str | None, top: int = 8
) -> Trend:
    """Cases per day / week / month; with ``by``, the ``top`` largest groups and 其他."""
    interval = choose_interval(cohort.since, cohort.until, interval)
    buckets = bucket_starts(cohort.since, cohort.until, interval)
    position = {day: i for i, day in enumerate(buckets)}
    with services.sessions() as session:
        dialect = _dialect(session)
        bucket = _bucket(Case.created_at, dialect, services.tz, interval).label("bucket")
        key = (_key_column(by) if by else literal(None)).label("key")
        query = (
            select(
                bucket,
                key,
                func.count(Case.id).label("total"),
                func.coalesce(func.sum(cast(Case.repeat, Integer)), 0).label("repeats"),
            )
            .where(*_cohort_where(services, cohort))
            .group_by(bucket, key)
        )
        rows = session.execute(query).all()
    totals = [0] * len(buckets)
    repeats = [0] * len(buckets)
    per_key: dict[str | None, list[int]] = {}
    for row in rows:
        index = position.get(_as_date(row.bucket))
        if index is None:
            continue
        totals[index] += int(row.total)
        repeats[index] += int(row.repeats or 0)
        if by:
            group_key = (
                roll_up_unit(services.tree, cohort.scope, row.key) if by == "unit" else row.key
            )
            per_key.setdefault(group_key, [0] * len(buckets))[index] += int(row.total)
    series: list[Series] = []
    if by:
        ranked = sorted(per_key.items(), key=lambda item: -sum(item[1]))
        for group_key, counts in ranked[:top]:
            series.append(
                Series(group_key, _label(by, group_key, services.tree, cohort.scope), counts)
            )
        rest = ranked[top:]
        if rest:
            other = [sum(values) for values in zip(*(c for _, c in rest), strict=True)]
            series.append(Series(None, "其他", other))
    return Trend(interval, buckets, totals, repeats, series)


# ---- filter options -------------------------------------------------------------


def unit_options(tree: UnitTree, scope: str) -> list[dict[str, Any]]:
    """Units the actor may filter on: own unit and below, governments first."""
    codes = tree.subtree(scope)
    nodes = [tree.nodes[c] for c in codes if c in tree.nodes]
    rank = {"city": 0, "district": 1, "street": 2}
    nodes.sort(
        key=lambda n: (rank.get(n.level, 3), n.kind == "department", n.parent_code or "", n.code)
    )
    return [
        {
            "code": n.code,
            "name": n.name,
            "level": n.level,
            "department": n.kind == "department",
            "parent_code": n.parent_code,
        }
        for n in nodes
    ]


def district_names(services: CaseServices) -> list[str]:
    return [d.name for d in services.places.city.districts]


def flatten_rows(groups: Iterable[Group]) -> list[dict[str, Any]]:
    return [{"key": g.key, "label": g.label, **g.figures.as_dict()} for g in groups]


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


CSV_COLUMNS: Sequence[tuple[str, str]] = (
    ("total", "信访件数"),
    ("repeats", "重复信访"),
    ("repeat_rate", "重访率"),
    ("accept_due", "应受理告知"),
    ("accept_on_time", "按期受理告知"),
    ("accept_rate", "按期受理率"),
    ("reply_due", "应答复"),
    ("reply_on_time", "按期答复"),
    ("reply_rate", "按期答复率"),
    ("rated", "已评价"),
    ("satisfied", "满意"),
    ("basically_satisfied", "基本满意"),
    ("unsatisfied", "不满意"),
    ("satisfaction_rate", "满意率"),
    ("rating_overdue", "超期未评价"),
    ("overdue_open", "当前超期未办"),
)
RATE_COLUMNS = frozenset({"repeat_rate", "accept_rate", "reply_rate", "satisfaction_rate"})


def csv_cells(figures: dict[str, Any]) -> list[str]:
    return [
        percent(figures[name]) if name in RATE_COLUMNS else str(figures[name])
        for name, _ in CSV_COLUMNS
    ]
