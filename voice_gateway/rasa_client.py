"""Talking to Rasa's REST channel, and keeping a slow answer alive across webhooks."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

BotMessages = list[dict[str, Any]]


class RasaUnavailable(Exception):
    """Rasa could not be reached or gave an unusable answer."""


class RasaClient:
    """POST {RASA_URL}/webhooks/rest/webhook with explicit timeouts."""

    def __init__(self, http: httpx.AsyncClient, rasa_url: str) -> None:
        self._http = http
        self._url = rasa_url.rstrip("/") + "/webhooks/rest/webhook"

    async def send(self, sender: str, message: str, metadata: Mapping[str, Any]) -> BotMessages:
        body = {"sender": sender, "message": message, "metadata": dict(metadata)}
        try:
            response = await self._http.post(self._url, json=body)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(data, list):
            raise RasaUnavailable("Rasa REST answer is not a list")
        return [m for m in data if isinstance(m, dict)]


def rasa_http_client(timeout_s: float) -> httpx.AsyncClient:
    # Connecting to a local Rasa is quick or impossible: fail fast on connect so the caller
    # hears "请稍候" at once, but let a slow answer (actions, case store) take its time.
    timeout = httpx.Timeout(timeout_s, connect=min(2.0, timeout_s))
    return httpx.AsyncClient(timeout=timeout, trust_env=False)


@dataclass(frozen=True)
class TurnOutcome:
    """Result of waiting for Rasa: messages, or still running, or failed (resend it)."""

    messages: BotMessages | None = None
    still_running: bool = False
    error: str | None = None


class InFlightTurns:
    """One Rasa request per call that may outlive the webhook which started it.

    When Rasa is slower than the webhook deadline, the caller hears "请稍候" and Twilio comes
    back on the retry URL; the same request is awaited again instead of being re-sent, so a
    slow Rasa never sees a message twice. A failed request is re-sent from CallState.pending.
    Tasks live in this process only; the utterance itself lives in the call state store.
    """

    def __init__(self, rasa: RasaClient, keep_done_s: float = 600.0) -> None:
        self._rasa = rasa
        self._keep_done_s = keep_done_s
        self._tasks: dict[str, tuple[asyncio.Task[BotMessages], float]] = {}

    def start(self, call_sid: str, sender: str, message: str, metadata: Mapping[str, Any]) -> None:
        self.forget(call_sid)
        self._prune()
        task = asyncio.create_task(self._rasa.send(sender, message, metadata))
        task.add_done_callback(_retrieve_exception)
        self._tasks[call_sid] = (task, time.monotonic())

    def running(self, call_sid: str) -> bool:
        entry = self._tasks.get(call_sid)
        return entry is not None and not entry[0].done()

    def has(self, call_sid: str) -> bool:
        return call_sid in self._tasks

    async def wait(self, call_sid: str, timeout_s: float) -> TurnOutcome:
        entry = self._tasks.get(call_sid)
        if entry is None:
            return TurnOutcome(error="no request in flight")
        task = entry[0]
        await asyncio.wait({task}, timeout=timeout_s)
        if not task.done():
            return TurnOutcome(still_running=True)
        del self._tasks[call_sid]
        if task.cancelled():
            return TurnOutcome(error="cancelled")
        exc = task.exception()
        if exc is not None:
            return TurnOutcome(error=str(exc) or type(exc).__name__)
        return TurnOutcome(messages=task.result())

    def forget(self, call_sid: str) -> None:
        entry = self._tasks.pop(call_sid, None)
        if entry is not None and not entry[0].done():
            entry[0].cancel()

    def cancel_all(self) -> None:
        for sid in list(self._tasks):
            self.forget(sid)

    def _prune(self) -> None:
        oldest = time.monotonic() - self._keep_done_s
        for sid, (task, started) in list(self._tasks.items()):
            if task.done() and started < oldest:
                del self._tasks[sid]


def _retrieve_exception(task: asyncio.Task[BotMessages]) -> None:
    # A failure is reported through TurnOutcome; this stops asyncio logging it as unretrieved.
    if not task.cancelled() and task.exception() is not None:
        log.info("Rasa request failed: %s", task.exception())
