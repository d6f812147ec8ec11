"""Bulk import of historical cases (JSONL/CSV) and CSV export.

Import maps a message board record — ``msg_id, user, time, title, detail,
reply, reply_time, likes`` (the fields of shared ``data/messages_with_replies.jsonl``
and ``messages_hot_issues.jsonl``) — onto a case: registered at ``time`` (its
number carries that date), with the reply as an ``import_history`` event that
closes it; ``likes`` become ``public_support``, ``user`` a keyed hash
(``source_account_hash``) that tells complainants apart. Without place fields, the place
the message names is kept as free text (pseudonymised "A市A5区…" included). Idempotent: the key
``import:<file name>:<msg_id>`` is the idempotency key, so a re-run skips
what is already there. Invalid rows are counted and reported, never half-written.

``python -m casestore.cli import-cases FILE`` · ``python -m casestore.cli export-cases OUT.csv``
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from casestore.analytics.mining.places import find_places
from casestore.cases import schemas
from casestore.cases.constants import RATING_LABELS, state_label
from casestore.cases.deadlines import WAITING_ON_STAFF, is_overdue
from casestore.cases.lifecycle import SYSTEM_ACTOR, LifecycleContext, TransitionInput, transition
from casestore.cases.models import Case
from casestore.cases.service import CaseServices, _insert_case
from casestore.core.settings import Settings

BATCH = 200
MAX_TEXT = schemas.MAX_DESCRIPTION


@dataclass
class ImportReport:
    created: int = 0
    skipped: int = 0
    invalid: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL or CSV file as dicts (keys lower-cased)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        if path.suffix.lower() == ".csv":
            for row in csv.DictReader(handle):
                yield {k.strip().lower(): v for k, v in row.items() if k}
            return
        for line in handle:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    yield {}
                    continue
                yield (
                    {str(k).lower(): v for k, v in record.items()}
                    if isinstance(record, dict)
                    else {}
                )


def _moment(value: Any, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    text = str(value).strip()
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _location(record: dict[str, Any], title: str | None, detail: str) -> schemas.LocationIn:
    """The record's place fields; without them, the place the message itself names.

    A district token ("A5区", "金水区") goes to ``district``: routing resolves it
    against the gazetteer or keeps it as free text. The compound, organisation
    or road named ("劳动东路 魅力之城小区") is kept as free text in ``address``:
    never dropped, never replaced by a guess.
    """
    district = str(record.get("district") or "").strip() or None
    street = str(record.get("street") or "").strip() or None
    address = str(record.get("address") or "").strip() or None
    if district or street or address:
        return schemas.LocationIn(district=district, street=street, address=address)
    places = find_places(f"{title or ''}。{detail[:400]}")
    named = [m.name for m in places.mentions[:3]]
    return schemas.LocationIn(
        district=places.districts[0][:100] if places.districts else None,
        address=" ".join(named)[:500] or None,
    )


def _public_support(record: dict[str, Any]) -> int:
    """点赞 (likes) of the source post; 0 when absent or not a number."""
    try:
        return max(0, int(record.get("likes") or record.get("public_support") or 0))
    except (TypeError, ValueError):
        return 0


def _account_hash(services: CaseServices, record: dict[str, Any]) -> str | None:
    """Keyed hash of the poster's account on the source board (tells complainants apart)."""
    account = str(record.get("user") or "").strip()
    if not account:
        return None
    return services.hasher._digest("source-account", account).hex()


def _create_body(record: dict[str, Any], key: str) -> schemas.CaseCreate:
    detail = str(record.get("detail") or record.get("description") or "").strip()
    title = str(record.get("title") or record.get("summary") or "").strip() or None
    return schemas.CaseCreate(
        idempotency_key=key,
        channel=record.get("channel") or "online_form",  # type: ignore[arg-type]
        description=detail[:MAX_TEXT],
        summary=title[:2000] if title else None,
        location=_location(record, title, detail),
    )


def import_records(
    services: CaseServices,
    records: Iterator[dict[str, Any]],
    source: str,
    *,
    limit: int | None = None,
    progress: TextIO | None = None,
    total: int | None = None,
) -> ImportReport:
    report = ImportReport()
    started = time.perf_counter()
    session = services.sessions()
    pending = 0
    try:
        for index, record in enumerate(records):
            if limit is not None and index >= limit:
                break
            outcome = _import_one(services, session, record, source)
            setattr(report, outcome, getattr(report, outcome) + 1)
            pending += outcome == "created"
            if pending >= BATCH:
                session.commit()
                pending = 0
            if progress is not None and (index % 50 == 0):
                _draw(progress, index + 1, total)
        session.commit()
    finally:
        session.close()
    report.seconds = time.perf_counter() - started
    if progress is not None:
        _draw(progress, report.created + report.skipped + report.invalid, total)
        progress.write("\n")
    return report


def _import_one(
    services: CaseServices, session: Session, record: dict[str, Any], source: str
) -> str:
    ident = record.get("msg_id") or record.get("id") or record.get("external_id")
    registered_at = _moment(record.get("time") or record.get("created_at"), services.tz)
    if ident in (None, "") or registered_at is None:
        return "invalid"
    key = f"import:{source}:{ident}"[:100]
    if session.scalar(select(Case.id).where(Case.idempotency_key == key)) is not None:
        return "skipped"
    try:
        body = _create_body(record, key)
    except ValidationError:
        return "invalid"
    with session.begin_nested():
        case, _ = _insert_case(session, services, body, external_id=str(ident), now=registered_at)
        case.public_support = _public_support(record)
        case.source_account_hash = _account_hash(services, record)
        reply = str(record.get("reply") or "").strip()
        replied_at = _moment(record.get("reply_time"), services.tz) or registered_at
        ctx = LifecycleContext(
            services.tree, services.limits, services.tz, max(replied_at, registered_at)
        )
        transition(
            case,
            "import_history",
            SYSTEM_ACTOR,
            ctx,
            TransitionInput(note=reply[:MAX_TEXT] or None),
        )
    return "created"


def _draw(out: TextIO, done: int, total: int | None) -> None:
    if total:
        width = 30
        filled = int(width * min(done, total) / total)
        out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    else:
        out.write(f"\r{done} rows")
    out.flush()


def import_command(settings: Settings, file: str, limit: int | None) -> ImportReport:
    from casestore.core.db import make_engine
    from casestore.main import build_services, prepare_database

    path = Path(file)
    if not path.is_file():
        raise SystemExit(f"no such file: {file}")
    total = sum(1 for _ in read_records(path))
    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine, prepare_database(settings, engine))
        report = import_records(
            services,
            read_records(path),
            path.name,
            limit=limit,
            progress=sys.stderr,
            total=min(total, limit) if limit else total,
        )
    finally:
        engine.dispose()
    print(
        f"imported {report.created}, skipped {report.skipped} (already there), "
        f"invalid {report.invalid} in {report.seconds:.1f} s ({report.rate:.0f} cases/s)"
    )
    return report


# ---- export ---------------------------------------------------------------------

EXPORT_COLUMNS = [
    "number",
    "created_at",
    "channel",
    "purpose",
    "state",
    "state_label",
    "category",
    "district",
    "street",
    "responsible_unit",
    "responsible_unit_name",
    "due_by",
    "overdue",
    "supervised",
    "urge_count",
    "repeat_of",
    "rating",
    "summary",
]


def export_rows(services: CaseServices, cases: list[Case]) -> Iterator[list[str]]:
    """CSV rows without personal data (name, phone, ID never leave in exports)."""
    today = services.context().today
    waiting = {s.value for s in WAITING_ON_STAFF}
    for case in cases:
        yield [
            case.number,
            case.created_at.astimezone(services.tz).isoformat(timespec="seconds"),
            case.channel,
            case.purpose,
            case.state,
            state_label(case.state),
            case.category_name or "",
            case.district or "",
            case.street or "",
            case.responsible_unit_code,
            case.responsible_unit.name,
            case.due_by.isoformat() if case.due_by else "",
            "1" if case.state in waiting and is_overdue(case.due_by, today) else "0",
            "1" if case.supervised else "0",
            str(case.urge_count),
            case.repeat_of or "",
            RATING_LABELS.get(case.rating or "", ""),
            (case.summary or "")[:200],
        ]


def to_csv(rows: Iterator[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + buffer.getvalue()  # BOM: spreadsheet programs read UTF-8 correctly
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def export_command(
    settings: Settings, file: str, states: list[str] | None, unit: str | None
) -> None:
    from casestore.cases.lifecycle import Actor
    from casestore.cases.workflow import CaseFilters, _scoped
    from casestore.core.db import make_engine
    from casestore.main import build_services, prepare_database

    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine, prepare_database(settings, engine))
        actor = Actor("staff", "cli", "admin", services.tree.root_code)
        filters = CaseFilters(state=states, unit_code=unit)
        with services.sessions() as session:
            query = _scoped(services, actor, select(Case), filters).order_by(Case.id)
            cases = list(session.scalars(query))
            lines = to_csv(export_rows(services, cases))
            if file == "-":
                sys.stdout.writelines(lines)
            else:
                with open(file, "w", encoding="utf-8", newline="") as out:
                    out.writelines(lines)
    finally:
        engine.dispose()
    if file != "-":
        print(f"{len(cases)} cases exported to {file}")
