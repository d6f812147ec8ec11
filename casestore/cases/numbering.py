"""Case numbers (案件编号): ``XF`` + local date YYYYMMDD + 4-digit daily sequence.

The sequence comes from one ``case_number_counters`` row per day, incremented in
the caller's transaction: PostgreSQL serialises concurrent increments on the
row lock, SQLite on its database write lock (BEGIN IMMEDIATE, see core.db).
The first case of a day inserts the row; a concurrent first insert loses on
the primary key inside a savepoint and retries the increment.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casestore.cases.models import CaseNumberCounter
from casestore.core.errors import DomainError

PREFIX = "XF"
SEQUENCE_DIGITS = 4
NUMBER_PATTERN = re.compile(rf"^{PREFIX}\d{{8}}\d{{{SEQUENCE_DIGITS}}}$")


class DailyNumbersExhausted(DomainError):
    status_code = 503
    detail = "今日案件编号已用完，请稍后再试"


def format_number(day: date, sequence: int) -> str:
    return f"{PREFIX}{day:%Y%m%d}{sequence:0{SEQUENCE_DIGITS}d}"


def normalize_number(text: str) -> str | None:
    """``XF202611260001`` from what a citizen typed or said (lower case, digits alone)."""
    cleaned = "".join(text.split()).upper()
    if cleaned.isdigit():
        cleaned = PREFIX + cleaned
    return cleaned if NUMBER_PATTERN.match(cleaned) else None


def allocate_number(session: Session, day: date) -> str:
    """Take the next number of ``day`` inside the session's current transaction."""
    key = f"{day:%Y%m%d}"
    for _ in range(3):
        bumped = session.execute(
            update(CaseNumberCounter)
            .where(CaseNumberCounter.day == key)
            .values(last_value=CaseNumberCounter.last_value + 1)
        )
        if bumped.rowcount == 1:  # type: ignore[attr-defined]
            value = session.scalar(
                select(CaseNumberCounter.last_value).where(CaseNumberCounter.day == key)
            )
            return _checked(day, value or 0)
        try:
            with session.begin_nested():
                session.add(CaseNumberCounter(day=key, last_value=1))
            return _checked(day, 1)
        except IntegrityError:
            continue  # someone else created today's row first: increment theirs
    raise RuntimeError(f"could not allocate a case number for {key}")


def _checked(day: date, sequence: int) -> str:
    if sequence >= 10**SEQUENCE_DIGITS:
        raise DailyNumbersExhausted()
    return format_number(day, sequence)
