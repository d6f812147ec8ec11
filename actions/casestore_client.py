"""HTTP client of the case store (信访件库), with explicit timeouts."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

from actions.settings import Settings

logger = logging.getLogger(__name__)


class CaseStoreUnavailable(Exception):
    """The case store did not answer in time, or answered with a server error."""


class CaseNotFound(Exception):
    """No case has this number."""


class WrongQueryCode(Exception):
    """The number exists but the query code does not match."""


class TooManyAttempts(Exception):
    """Too many wrong query codes for this number or client; wait before trying again."""


class CaseRejected(Exception):
    """The case store refused the submission as invalid (4xx)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class CaseReceipt:
    """What the citizen is told after registration (登记回执)."""

    number: str
    query_code: str
    state_label: str
    unit_name: str
    unit_level: str
    accept_by: str

    @classmethod
    def from_api(cls, body: Dict[str, Any]) -> CaseReceipt:
        unit = body.get("responsible_unit") or {}
        return cls(
            number=body["number"],
            query_code=body["query_code"],
            state_label=body.get("state_label", ""),
            unit_name=unit.get("name", ""),
            unit_level=unit.get("level", ""),
            accept_by=body.get("accept_by", ""),
        )

    def as_dict(self) -> Dict[str, str]:
        return dict(self.__dict__)


class CaseStoreClient:
    """Talks to the case store API v1."""

    def __init__(self, settings: Settings) -> None:
        self._base = settings.casestore_url
        self._token = settings.casestore_token
        self._timeout = aiohttp.ClientTimeout(total=settings.casestore_timeout_s)

    async def create_case(self, payload: Dict[str, Any]) -> CaseReceipt:
        status, body = await self._post("/api/v1/cases", payload, auth=True)
        if status in (200, 201):
            return CaseReceipt.from_api(body)
        if 400 <= status < 500:
            raise CaseRejected(status, str(body.get("detail", "")))
        raise CaseStoreUnavailable(f"status {status}")

    async def lookup(
        self, number: str, query_code: str, conversation_id: Optional[str] = None
    ) -> Dict[str, Any]:
        """查询. With the conversation named, the case store limits wrong codes per citizen."""
        extra = {"X-Citizen-Session": _session_key(conversation_id)} if conversation_id else {}
        status, body = await self._post(
            "/api/v1/cases/lookup",
            {"number": number, "query_code": query_code},
            auth=bool(conversation_id),
            headers=extra,
        )
        if status == 200:
            return body
        if status == 404:
            raise CaseNotFound(number)
        if status == 403:
            raise WrongQueryCode(number)
        if status == 429:
            raise TooManyAttempts(number)
        raise CaseStoreUnavailable(f"status {status}")

    async def report_handoff(self, payload: Dict[str, Any]) -> Dict[str, Any]:
        """转人工: puts the conversation into the staff queue (idempotent by event_id)."""
        status, body = await self._post("/api/v1/handoffs", payload, auth=True)
        if status in (200, 201):
            return body
        if 400 <= status < 500:
            raise CaseRejected(status, str(body.get("detail", "")))
        raise CaseStoreUnavailable(f"status {status}")

    async def _post(
        self,
        path: str,
        payload: Dict[str, Any],
        auth: bool = False,
        headers: Optional[Dict[str, str]] = None,
    ) -> tuple[int, Dict[str, Any]]:
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            async with aiohttp.ClientSession(timeout=self._timeout) as session:
                async with session.post(
                    self._base + path, json=payload, headers=headers
                ) as response:
                    text = await response.text()
                    return response.status, _json_or_empty(text)
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            logger.warning("case store unreachable at %s: %s", path, type(error).__name__)
            raise CaseStoreUnavailable(type(error).__name__) from error


def _session_key(conversation_id: str) -> str:
    """A stable, non-reversible name for the conversation (no sender ids in the case store)."""
    return hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:32]


def _json_or_empty(text: str) -> Dict[str, Any]:
    try:
        body: Optional[Any] = json.loads(text) if text else {}
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
