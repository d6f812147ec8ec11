"""Guard for the citizen look-up (查询) against query-code guessing.

The router asks the guard before every look-up and reports every wrong query
code. ``OpenLookupGuard`` allows everything; a rate-limiting guard (per case
number and per client address) replaces it on ``app.state.lookup_guard``
without touching the router or the service.
"""

from __future__ import annotations

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
