"""The Rasa server's HTTP API, as the staff console needs it (人工接管).

Reads a conversation's tracker, appends events (pause, resume, a staff
message) with their side effects — the message goes out through the
citizen's own channel, socket.io for web chat — and runs an action.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from casestore.core.errors import DomainError
from casestore.core.logging import get_logger

logger = get_logger(__name__)


class DialogueUnavailable(DomainError):
    status_code = 503
    detail = "对话服务暂时连接不上，请稍后再试"


class RasaClient:
    """One shared async HTTP client; explicit timeouts on every call."""

    def __init__(self, base_url: str, token: str, timeout_s: float = 5.0) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=2.0))

    async def close(self) -> None:
        await self._client.aclose()

    def _url(self, conversation_id: str, tail: str) -> str:
        return f"{self._base}/conversations/{quote(conversation_id, safe='')}/{tail}"

    async def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        params = {"token": self._token, **kwargs.pop("params", {})}
        try:
            response = await self._client.request(method, url, params=params, **kwargs)
        except httpx.HTTPError as error:
            logger.warning("Rasa unreachable: %s", type(error).__name__)
            raise DialogueUnavailable() from error
        if response.status_code >= 400:
            logger.warning("Rasa answered %s on %s", response.status_code, method)
            raise DialogueUnavailable()
        return response.json()

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._call(
            "GET", self._url(conversation_id, "tracker"), params={"include_events": "ALL"}
        )
        return result

    async def append(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        """Appends events and sends any bot message to the citizen's latest channel."""
        await self._call(
            "POST",
            self._url(conversation_id, "tracker/events"),
            params={"execute_side_effects": "true", "output_channel": "latest"},
            json=events,
        )

    async def execute(self, conversation_id: str, action: str) -> None:
        await self._call(
            "POST",
            self._url(conversation_id, "execute"),
            params={"output_channel": "latest"},
            json={"name": action},
        )
