"""GeoReport v2 mapping: services = level-1 categories, requests = cases.

- ``service_code`` is the level-1 category name (内容分类, as stored on cases
  and returned by the NLU), from the taxonomy file shipped with the bot.
- ``status`` is ``closed`` for 已办结 / 不予受理, else ``open``; ``status_notes``
  carries the 信访 state label and the last public note.
- Descriptions are served with phone and ID numbers redacted.
"""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from casestore.cases import schemas
from casestore.cases.constants import CaseState, state_label
from casestore.cases.models import Case, CaseEvent
from casestore.cases.service import CaseServices, register_case
from casestore.core.logging import redact

DEFAULT_TAXONOMY = (
    Path(__file__).resolve().parents[2] / "bot" / "category" / "data" / "taxonomy.csv"
)
CLOSED = {CaseState.CLOSED.value, CaseState.REJECTED.value}
MAX_RESULTS = 1000


class Open311Error(Exception):
    """An error in GeoReport's own format: ``[{"code": ..., "description": ...}]``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def load_services(path: Path | None) -> list[dict[str, Any]]:
    """Level-1 categories with their level-2 groups as keywords."""
    path = path or DEFAULT_TAXONOMY
    seen: dict[str, set[str]] = {}
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                level1 = (row.get("level1") or "").strip()
                if level1:
                    seen.setdefault(level1, set()).add((row.get("level2") or "").strip())
    return [
        {
            "service_code": name,
            "service_name": name,
            "description": f"{name}类信访事项（二级分类：{'、'.join(sorted(k for k in kids if k)[:6])}等）",
            "metadata": False,
            "type": "realtime",
            "keywords": ",".join(sorted(k for k in kids if k)),
            "group": "信访",
        }
        for name, kids in seen.items()
    ]


def _text(form: dict[str, Any], name: str, limit: int) -> str | None:
    value = form.get(name)
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise Open311Error(400, f"{name} 过长（最多 {limit} 字）")
    if "\x00" in text:
        raise Open311Error(400, f"{name} 包含无效字符")
    return text


def create_request(
    services: CaseServices, catalogue: list[dict[str, Any]], form: dict[str, Any]
) -> list[dict[str, Any]]:
    code = _text(form, "service_code", 50)
    if code is None:
        raise Open311Error(400, "缺少 service_code")
    if code not in {s["service_code"] for s in catalogue}:
        raise Open311Error(404, f"未知的 service_code：{code}")
    description = _text(form, "description", schemas.MAX_DESCRIPTION)
    if description is None:
        raise Open311Error(400, "缺少 description（问题描述）")
    address = _text(form, "address_string", 500)
    lat, lon = _coordinate(form, "lat", -90, 90), _coordinate(form, "long", -180, 180)
    if address is None and (lat is None or lon is None):
        raise Open311Error(400, "需要提供 address_string 或 lat/long")
    name = " ".join(p for p in (_text(form, "last_name", 25), _text(form, "first_name", 25)) if p)
    place = _place(services, address or "")
    where = " ".join(p for p in (address, f"({lat},{lon})" if lat is not None else None) if p)
    try:
        body = schemas.CaseCreate(
            idempotency_key=f"open311:{_text(form, 'device_id', 60) or ''}:{uuid.uuid4().hex}"[
                :100
            ],
            channel=schemas.Channel.OPEN311,
            description=description,
            location=schemas.LocationIn(address=where[:500] or None, **place),
            complainant=schemas.ComplainantIn(
                anonymous=not (name or form.get("phone")),
                name=name or None,
                phone=_text(form, "phone", 30),
            ),
            category=schemas.CategoryIn(name=code, confidence=1.0),
        )
    except ValueError as exc:
        raise Open311Error(400, f"请求内容不符合要求：{_first_error(exc)}") from exc
    created, _ = register_case(services, body)
    notice = f"已登记为信访件 {created.number}，查询码 {created.query_code}，承办单位：{created.responsible_unit.name}"
    return [{"service_request_id": created.number, "service_notice": notice, "account_id": None}]


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first.get('loc', ()))} {first.get('msg', '')}"
    return str(exc)


def _coordinate(form: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = form.get(name)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Open311Error(400, f"{name} 应为数字") from None
    if not low <= number <= high:
        raise Open311Error(400, f"{name} 超出范围")
    return number


def _place(services: CaseServices, address: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {"district": None, "street": None, "community": None}
    for match in services.places.city.find_places(address):
        if found.get(match.entity) is None:
            found[match.entity] = match.canonical
    return found


def _as_request(case: Case, note: str | None, services: CaseServices) -> dict[str, Any]:
    status = "closed" if case.state in CLOSED else "open"
    notes = state_label(case.state) + (f"：{note}" if note else "")
    expected = (
        datetime.combine(case.due_by, time(23, 59, 59), services.tz).isoformat()
        if case.due_by
        else None
    )
    return {
        "service_request_id": case.number,
        "status": status,
        "status_notes": notes[:500],
        "service_name": case.category_name,
        "service_code": case.category_name,
        "description": redact(case.summary or case.description)[:1000],
        "agency_responsible": case.responsible_unit.name,
        "service_notice": None,
        "requested_datetime": case.created_at.astimezone(services.tz).isoformat(),
        "updated_datetime": case.updated_at.astimezone(services.tz).isoformat(),
        "expected_datetime": expected,
        "address": " ".join(p for p in (case.district, case.street, case.community) if p) or None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _last_note(services: CaseServices, session: Any, case: Case) -> str | None:
    event = session.scalar(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True))
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )
    return event.note if event else None


def get_requests(
    services: CaseServices,
    *,
    ids: list[str] | None = None,
    service_code: str | None = None,
    status: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict[str, Any]]:
    query = select(Case)
    if ids:
        query = query.where(Case.number.in_([i.strip().upper() for i in ids][:MAX_RESULTS]))
    else:
        end = end or datetime.now(UTC)
        start = start or end - timedelta(days=90)
        query = query.where(Case.created_at >= start, Case.created_at <= end)
    if service_code:
        query = query.where(Case.category_name.in_(service_code.split(",")))
    if status == "closed":
        query = query.where(Case.state.in_(CLOSED))
    elif status == "open":
        query = query.where(Case.state.not_in(CLOSED))
    with services.sessions() as session:
        cases = session.scalars(query.order_by(Case.created_at.desc()).limit(MAX_RESULTS)).all()
        return [_as_request(c, _last_note(services, session, c), services) for c in cases]
