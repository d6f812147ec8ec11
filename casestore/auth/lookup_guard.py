"""Guard for the citizen look-up (查询) against query-code guessing.

The router asks the guard before every look-up and reports every wrong query
code. ``OpenLookupGuard`` allows everything; a rate-limiting guard (per case
number and per client address) replaces it on ``app.state.lookup_guard``
without touching the router or the service.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from casestore.core.errors import DomainError


class TooManyLookupAttempts(DomainError):
    status_code = 429
    detail = "查询次数过多，请稍后再试"


class LookupGuard(Protocol):
    def check(self, number: str, client: str) -> None:
        """Raise TooManyLookupAttempts when this client or number is locked out."""

    def record_failure(self, number: str, client: str) -> None:
        """Count a wrong query code."""


class OpenLookupGuard:
    """No limits (walking skeleton)."""

    def check(self, number: str, client: str) -> None:
        return None

    def record_failure(self, number: str, client: str) -> None:
        return None


class RateLimitingLookupGuard:
    """Locks a case number or a client out after too many wrong answers in a window.

    Counts live in this process (one case-store process per deployment); a
    restart clears them, which only shortens a lock-out.
    """

    def __init__(
        self,
        *,
        max_per_number: int,
        max_per_client: int,
        window_seconds: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = {"number": max_per_number, "client": max_per_client}
        self._window = window_seconds
        self._now = now
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self._window:
            times.popleft()
        if not times:
            del self._failures[key]
            return deque()
        return times

    def check(self, number: str, client: str) -> None:
        now = self._now()
        with self._lock:
            for kind, value in (("number", number), ("client", client)):
                if len(self._recent((kind, value), now)) >= self._limits[kind]:
                    minutes = max(1, round(self._window / 60))
                    raise TooManyLookupAttempts(
                        f"核对失败次数过多，请 {minutes} 分钟后再试，或拨打热线由工作人员协助查询"
                    )

    def record_failure(self, number: str, client: str) -> None:
        now = self._now()
        with self._lock:
            for key in (("number", number), ("client", client)):
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)
