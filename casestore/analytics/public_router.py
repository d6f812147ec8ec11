"""Public transparency (信息公开): aggregated figures and the page that shows them.

No authentication, so no personal data and no case text: only counts and
rates by unit and category, small groups merged (see ``PUBLIC_MIN_GROUP``).
The figures are cached for a few minutes per period, so an anonymous caller
cannot make the database aggregate the whole city on every request.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from casestore.analytics.service import PublicStatsOut, public_stats
from casestore.cases.router import Services

router = APIRouter(tags=["public"])

TRANSPARENCY_PAGE = Path(__file__).resolve().parents[1] / "static" / "transparency.html"
CACHE_SECONDS = 600


class _TimedCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[int, date], tuple[float, PublicStatsOut]] = {}

    def get(self, key: tuple[int, date]) -> PublicStatsOut | None:
        with self._lock:
            hit = self._items.get(key)
        if hit is None or time.monotonic() - hit[0] > CACHE_SECONDS:
            return None
        return hit[1]

    def put(self, key: tuple[int, date], value: PublicStatsOut) -> None:
        with self._lock:  # yesterday's entries go
            self._items = {k: v for k, v in self._items.items() if k[1] == key[1]}
            self._items[key] = (time.monotonic(), value)


def _cache(request: Request) -> _TimedCache:
    cache: _TimedCache | None = getattr(request.app.state, "public_stats_cache", None)
    if cache is None:
        cache = request.app.state.public_stats_cache = _TimedCache()
    return cache


@router.get("/api/v1/public/stats", response_model=PublicStatsOut)
def get_public_stats(
    request: Request,
    services: Services,
    days: Annotated[int, Query(description="最近多少天：30、90、180 或 365")] = 365,
) -> PublicStatsOut:
    """全市信访数据公开: volumes, 按期受理率, 按期答复率, 满意率 by unit and category."""
    days = min((30, 90, 180, 365), key=lambda allowed: abs(allowed - days))
    key = (days, services.context().today)
    cache = _cache(request)
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = public_stats(services, days)
    cache.put(key, result)
    return result


@router.get("/transparency", include_in_schema=False)
def transparency_page() -> FileResponse:
    """信息公开页: the public figures in plain Chinese, for desktop and phone."""
    return FileResponse(TRANSPARENCY_PAGE, media_type="text/html; charset=utf-8")
