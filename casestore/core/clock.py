"""Time helpers: the case store stores UTC and dates cases in the local zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """Calendar date of ``moment`` in the deployment's zone (案件登记日期)."""
    return moment.astimezone(tz).date()
