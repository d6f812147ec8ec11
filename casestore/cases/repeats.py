"""Repeat petitions (重复信访/重访) found at registration.

A new case repeats an earlier one (open, or closed within the window) when
- the same complainant (phone or ID number, compared by keyed hash) raises a
  similar matter (text similarity ≥ ``repeat_person_similarity``, a low bar:
  the same person on the same topic in other words), or
- the same matter comes from the same street (similarity ≥
  ``repeat_matter_similarity``), whoever reports it.
The link goes to the first case of the chain, the number the citizen knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casestore.cases.models import Case
from casestore.cases.similarity import similarities

POOL_LIMIT = 150  # most recent comparable cases; bounds the work per registration


@dataclass(frozen=True)
class RepeatPolicy:
    window_days: int = 180
    matter_similarity: float = 0.2
    person_similarity: float = 0.1


@dataclass(frozen=True)
class RepeatMatch:
    number: str
    reason: str  # same_complainant | same_matter
    similarity: float


def case_text(summary: str | None, description: str) -> str:
    return f"{summary or ''} {description[:1000]}"


def find_repeat(
    session: Session,
    policy: RepeatPolicy,
    *,
    text: str,
    district: str | None,
    street: str | None,
    phone_hash: str | None,
    id_hash: str | None,
    now: datetime,
) -> RepeatMatch | None:
    since = now - timedelta(days=policy.window_days)
    columns = (
        Case.id,
        Case.number,
        Case.repeat_of,
        Case.summary,
        Case.description,
        Case.street,
        Case.phone_hash,
        Case.id_hash,
    )
    recent = (Case.created_at >= since, or_(Case.closed_at.is_(None), Case.closed_at >= since))
    # Separate, index-backed queries (street + date, phone/ID hash): an OR across
    # them would make the planner walk the whole date index at scale.
    queries = []
    if street:
        same_place = [Case.street == street] + ([Case.district == district] if district else [])
        queries.append(select(*columns).where(*same_place, *recent))
    if phone_hash:
        queries.append(select(*columns).where(Case.phone_hash == phone_hash, *recent))
    if id_hash:
        queries.append(select(*columns).where(Case.id_hash == id_hash, *recent))
    rows: dict[int, Any] = {}
    for query in queries:
        for row in session.execute(query.order_by(Case.created_at.desc()).limit(POOL_LIMIT)):
            rows.setdefault(row.id, row)
    pool = list(rows.values())
    if not pool:
        return None
    scores = similarities(text, [case_text(r.summary, r.description) for r in pool])
    best: RepeatMatch | None = None
    for row, score in zip(pool, scores, strict=True):
        same_person = bool(
            (phone_hash and row.phone_hash == phone_hash) or (id_hash and row.id_hash == id_hash)
        )
        if same_person and score >= policy.person_similarity:
            candidate = RepeatMatch(row.repeat_of or row.number, "same_complainant", score)
        elif street and row.street == street and score >= policy.matter_similarity:
            candidate = RepeatMatch(row.repeat_of or row.number, "same_matter", score)
        else:
            continue
        if best is None or _better(candidate, best):
            best = candidate
    return best


def _better(a: RepeatMatch, b: RepeatMatch) -> bool:
    if a.reason != b.reason:
        return a.reason == "same_complainant"
    return a.similarity > b.similarity
