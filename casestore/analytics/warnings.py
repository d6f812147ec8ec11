"""Early warning (预警) for supervisors: each item says what, in words and numbers.

- ``spike`` (激增): a category or area whose cases of the last 7 days are far
  above its usual weekly level (the 8 weeks before): at least ``SPIKE_MIN``
  cases, at least twice the mean and above mean + 3 standard deviations;
- ``organisation`` (集中反映同一单位): one company, property manager, school …
  named by at least ``ORG_MIN_CASES`` cases from ``ORG_MIN_PEOPLE`` people in 30 days;
- ``group_petition`` (集体访): a case that says it speaks for many ("联名",
  "30多户业主"), or a wave of one hot issue — ``WAVE_MIN_PEOPLE`` people within 7 days;
- ``repeat_petitioner`` (重复信访人): one person (ID number, phone or source
  account, by keyed hash) with ``REPEAT_MIN_CASES`` cases in 90 days.

"Now" is the newest case in scope (as for hot issues), so imported history
gives meaningful figures too. Scoped to the actor's unit and below.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel
from sqlalchemy import func, select

from casestore.analytics.mining.models import HotIssueCluster, HotIssueMember
from casestore.analytics.mining.places import find_places, key_tails
from casestore.cases.deadlines import WAITING_ON_STAFF
from casestore.cases.lifecycle import Actor
from casestore.cases.models import Case

if TYPE_CHECKING:
    from casestore.cases.service import CaseServices

WarningKind = Literal["spike", "organisation", "group_petition", "repeat_petitioner"]

SPIKE_MIN = 5
SPIKE_WEEKS = 8
ORG_MIN_CASES = 3
ORG_MIN_PEOPLE = 2
WAVE_MIN_PEOPLE = 3
GROUP_MIN_HEADCOUNT = 10
REPEAT_MIN_CASES = 3
MAX_PER_KIND = 10
MAX_ROWS = 50_000  # cases read per scan (the last 9 weeks of a large city stay below)

_AREA_TOKEN = re.compile(r"^([A-Z]\d{0,2}[区县]|[\u4e00-\u9fa5]{1,6}(?:区|县|市))(?:\s|$)")
_GROUP_WORDS = re.compile(
    r"联名|集体(?:上访|信访|反映|投诉|维权)|全体(?:业主|村民|居民|职工|员工|家长)"
)
_HEADCOUNT = re.compile(
    r"(\d{2,5}|[二三四五六七八九十百几数]{1,3}[十百千]?)(?:多|余)?(?:户|名|位|个)?"
    r"(?:业主|村民|居民|职工|员工|工人|家长|学生|农民工|住户|群众)"
)
_CHINESE_NUMBER = {"几十": 20, "数十": 20, "上百": 100, "数百": 100, "几百": 100, "百": 100}


class WarningOut(BaseModel):
    kind: WarningKind
    title: str
    explanation: str
    numbers: dict[str, float]
    case_numbers: list[str]


class WarningsOut(BaseModel):
    generated_at: datetime
    items: list[WarningOut]


@dataclass
class _Scan:
    as_of: datetime
    rows: list[Any] = field(default_factory=list)


def _scope(services: CaseServices, actor: Actor) -> list[str] | None:
    scope = actor.unit_code or services.tree.root_code
    return None if scope == services.tree.root_code else sorted(services.tree.subtree(scope))


def _day(moment: datetime, services: CaseServices) -> str:
    return moment.astimezone(services.tz).strftime("%Y-%m-%d")


def early_warnings(services: CaseServices, actor: Actor) -> WarningsOut:
    units = _scope(services, actor)
    generated_at = services.clock().astimezone(UTC)
    with services.sessions() as session:
        newest = select(func.max(Case.created_at))
        if units is not None:
            newest = newest.where(Case.responsible_unit_code.in_(units))
        as_of = session.scalar(newest)
        if as_of is None:
            return WarningsOut(generated_at=generated_at, items=[])
        since = as_of - timedelta(days=7 * (SPIKE_WEEKS + 1))
        query = (
            select(
                Case.id,
                Case.number,
                Case.created_at,
                Case.category_name,
                Case.district,
                Case.address,
                Case.summary,
                Case.description,
                Case.state,
                Case.repeat,
                Case.id_hash,
                Case.phone_hash,
                Case.source_account_hash,
                HotIssueMember.cluster_id,
            )
            .outerjoin(HotIssueMember, HotIssueMember.case_id == Case.id)
            .where(Case.created_at > min(since, as_of - timedelta(days=90)))
            .order_by(Case.created_at.desc())
            .limit(MAX_ROWS)
        )
        if units is not None:
            query = query.where(Case.responsible_unit_code.in_(units))
        scan = _Scan(as_of, list(session.execute(query)))
        cluster_ids = {r.cluster_id for r in scan.rows if r.cluster_id}
        cluster_names = {
            row.id: row.name
            for row in session.execute(
                select(HotIssueCluster.id, HotIssueCluster.name).where(
                    HotIssueCluster.id.in_(cluster_ids)
                )
            )
        }
    items = [
        *spikes(scan, services),
        *organisations(scan),
        *group_petitions(scan, cluster_names),
        *repeat_petitioners(scan),
    ]
    return WarningsOut(generated_at=generated_at, items=items)


# ---- spikes ------------------------------------------------------------------------


def area_of(row: Any) -> str | None:
    """The district of a case; for unresolved places the district named first in the address."""
    if row.district:
        return str(row.district)
    match = _AREA_TOKEN.match(row.address or "")
    return match.group(1) if match else None


def _weekly(rows: Iterable[Any], as_of: datetime, key: Any) -> dict[str, list[list[Any]]]:
    weeks: dict[str, list[list[Any]]] = defaultdict(lambda: [[] for _ in range(SPIKE_WEEKS + 1)])
    for row in rows:
        label = key(row)
        age = (as_of - row.created_at).days // 7
        if label and 0 <= age <= SPIKE_WEEKS:
            weeks[label][age].append(row)
    return weeks


def spikes(scan: _Scan, services: CaseServices) -> list[WarningOut]:
    out = []
    for dimension, key in (("category", lambda r: r.category_name), ("area", area_of)):
        for label, weeks in _weekly(scan.rows, scan.as_of, key).items():
            recent = len(weeks[0])
            before = [len(w) for w in weeks[1:]]
            mean = statistics.fmean(before)
            spread = statistics.pstdev(before)
            if recent < SPIKE_MIN or recent < 2 * mean or recent <= mean + 3 * max(spread, 1.0):
                continue
            ratio = recent / mean if mean else float(recent)
            what = f"「{label}」类" if dimension == "category" else f"{label}"
            start = _day(scan.as_of - timedelta(days=6), services)
            out.append(
                WarningOut(
                    kind="spike",
                    title=f"{what}信访激增：近7天 {recent} 件",
                    explanation=(
                        f"{start} 至 {_day(scan.as_of, services)}，{what}信访 {recent} 件；"
                        f"此前 {SPIKE_WEEKS} 周平均每周 {mean:.1f} 件（标准差 {spread:.1f}），"
                        f"为平时的 {ratio:.1f} 倍。"
                    ),
                    numbers={
                        "recent_7d": recent,
                        "weekly_mean": round(mean, 2),
                        "weekly_std": round(spread, 2),
                        "ratio": round(ratio, 2),
                    },
                    case_numbers=[r.number for r in weeks[0][:10]],
                )
            )
    out.sort(key=lambda w: -w.numbers["ratio"])
    return out[:MAX_PER_KIND]


# ---- organisations -----------------------------------------------------------------


def person_of(row: Any) -> str:
    return str(row.id_hash or row.phone_hash or row.source_account_hash or f"case:{row.id}")


def organisations(scan: _Scan) -> list[WarningOut]:
    recent_since = scan.as_of - timedelta(days=30)
    earlier_since = scan.as_of - timedelta(days=60)
    named: dict[str, list[Any]] = defaultdict(list)
    written: dict[str, Counter[str]] = defaultdict(Counter)
    earlier: Counter[str] = Counter()
    for row in scan.rows:
        if row.created_at <= earlier_since:
            continue
        text = f"{row.summary or ''}。{(row.description or '')[:400]}"
        cores = set()
        for mention in find_places(text).mentions:
            if mention.kind == "organisation":
                core = key_tails(mention.key)[-1]
                cores.add(core)
                written[core][mention.name] += 1
        for core in cores:
            if row.created_at > recent_since:
                named[core].append(row)
            else:
                earlier[core] += 1
    out = []
    for core, rows in named.items():
        people = len({person_of(r) for r in rows})
        if len(rows) < ORG_MIN_CASES or people < ORG_MIN_PEOPLE:
            continue
        name = written[core].most_common(1)[0][0]
        out.append(
            WarningOut(
                kind="organisation",
                title=f"「{name}」被集中反映：30天 {len(rows)} 件",
                explanation=(
                    f"近30天有 {len(rows)} 件信访反映「{name}」，来自 {people} 位信访人；"
                    f"再往前30天为 {earlier[core]} 件。"
                ),
                numbers={"cases_30d": len(rows), "people": people, "previous_30d": earlier[core]},
                case_numbers=[r.number for r in rows[:10]],
            )
        )
    out.sort(key=lambda w: (-w.numbers["people"], -w.numbers["cases_30d"]))
    return out[:MAX_PER_KIND]


# ---- group petitions ---------------------------------------------------------------


def headcount(text: str) -> int:
    """The largest number of people a text says it speaks for ("30多户业主" → 30)."""
    best = 0
    for match in _HEADCOUNT.finditer(text):
        token = match.group(1)
        value = int(token) if token.isdigit() else _CHINESE_NUMBER.get(token, 0)
        best = max(best, value)
    return best


def group_petitions(scan: _Scan, cluster_names: dict[int, str]) -> list[WarningOut]:
    since = scan.as_of - timedelta(days=30)
    out = []
    for row in scan.rows:
        if row.created_at <= since:
            continue
        text = f"{row.summary or ''}。{row.description or ''}"
        count = headcount(text)
        said = _GROUP_WORDS.search(text)
        if not said and count < GROUP_MIN_HEADCOUNT:
            continue
        what = said.group(0) if said else f"约 {count} 人"
        out.append(
            WarningOut(
                kind="group_petition",
                title=f"集体反映：{(row.summary or row.description or '')[:30]}",
                explanation=(
                    f"信访件 {row.number} 自述为多人共同反映（“{what}”"
                    + (f"，涉及约 {count} 人/户" if count else "")
                    + "），请按集体访程序处置。"
                ),
                numbers={"headcount": count, "cases": 1},
                case_numbers=[row.number],
            )
        )
    out.extend(_waves(scan, cluster_names))
    out.sort(key=lambda w: (-w.numbers.get("people", 0), -w.numbers["headcount"]))
    return out[:MAX_PER_KIND]


def _waves(scan: _Scan, cluster_names: dict[int, str]) -> list[WarningOut]:
    """One hot issue raised by several people within 7 days: an organised wave."""
    since = scan.as_of - timedelta(days=7)
    by_cluster: dict[int, list[Any]] = defaultdict(list)
    for row in scan.rows:
        if row.cluster_id and row.created_at > since:
            by_cluster[row.cluster_id].append(row)
    out = []
    for cluster_id, rows in by_cluster.items():
        people = len({person_of(r) for r in rows})
        if people < WAVE_MIN_PEOPLE:
            continue
        name = cluster_names.get(cluster_id, "同一事项")
        out.append(
            WarningOut(
                kind="group_petition",
                title=f"多人集中反映：{name}",
                explanation=(
                    f"近7天 {people} 位信访人就「{name}」集中反映，共 {len(rows)} 件，"
                    "可能为有组织的集体访，请提前研判。"
                ),
                numbers={"people": people, "cases": len(rows), "headcount": people},
                case_numbers=[r.number for r in rows[:10]],
            )
        )
    return out


# ---- repeat petitioners ------------------------------------------------------------


def repeat_petitioners(scan: _Scan) -> list[WarningOut]:
    since = scan.as_of - timedelta(days=90)
    waiting = {s.value for s in WAITING_ON_STAFF}
    by_person: dict[str, list[Any]] = defaultdict(list)
    for row in scan.rows:
        if row.created_at > since and (row.id_hash or row.phone_hash or row.source_account_hash):
            by_person[person_of(row)].append(row)
    out = []
    for rows in by_person.values():
        if len(rows) < REPEAT_MIN_CASES:
            continue
        open_cases = sum(r.state in waiting for r in rows)
        flagged = sum(bool(r.repeat) for r in rows)
        topics = _topics(rows)
        out.append(
            WarningOut(
                kind="repeat_petitioner",
                title=f"重复信访人：90天内 {len(rows)} 次",
                explanation=(
                    f"同一信访人近90天信访 {len(rows)} 次（{open_cases} 件仍在办理，"
                    f"{flagged} 件已标记重复信访），涉及：{topics}。建议包案化解。"
                ),
                numbers={"cases_90d": len(rows), "open": open_cases, "flagged_repeat": flagged},
                case_numbers=[r.number for r in rows[:10]],
            )
        )
    out.sort(key=lambda w: -w.numbers["cases_90d"])
    return out[:MAX_PER_KIND]


def _topics(rows: Sequence[Any]) -> str:
    titles = list(dict.fromkeys((r.summary or r.description or "")[:20] for r in rows))
    return "；".join(titles[:3]) + ("等" if len(titles) > 3 else "")
