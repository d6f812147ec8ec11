"""Tell the case store that a call was handed to staff or needs a callback.

    POST {CASESTORE_URL}/api/v1/handoffs
    Authorization: Bearer {CASESTORE_SERVICE_TOKEN}
    Idempotency-Key: {event_id}

One body for every event (see HandoffEvent.body). The endpoint is being built by the case
store; until then every report fails and waits in the retry list, which is harmless.

Never blocks or breaks a webhook: `report_*` schedule a background POST with a short timeout
and return at once. A failed POST is logged (caller masked) and kept in a small in-memory
retry list, re-sent by `flush()` (the app calls it periodically and on shutdown). The list is
lost when the process stops: the seam for a durable outbox is `RetryList`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import httpx

log = logging.getLogger(__name__)

HANDOFFS_PATH = "/api/v1/handoffs"
# 404 while the endpoint is not deployed yet; 408/425/429 are transient.
_WORTH_RETRYING = frozenset({404, 408, 425, 429})

HandoffReason = Literal[
    "request_human",  # the caller asked for a person (bot payload)
    "emergency",  # the bot judged it urgent (bot payload)
    "misunderstood",  # the bot could not understand the caller (bot payload)
    "bot_unavailable",  # Rasa / the action server gave no usable answer (gateway)
    "dropped_call",  # the call ended in the middle of a complaint (status callback)
]
# "transferring": <Dial>/<Enqueue> started, staff console shows the call as taken over.
# "connected": staff spoke with the caller. "callback_needed": nobody did; call back.
HandoffOutcome = Literal["transferring", "connected", "callback_needed"]
TargetKind = Literal["number", "sip", "queue", "none"]


def mask_phone(number: str) -> str:
    """For logs: keep the first 3 and last 4 digits."""
    digits = "".join(c for c in number if c.isdigit())
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "****"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class HandoffEvent:
    conversation_id: str
    call_sid_hash: str
    reason: HandoffReason
    outcome: HandoffOutcome
    channel: str = "hotline"
    caller: str | None = None
    reference: str | None = None
    transfer_target: TargetKind | None = None
    call_status: str | None = None
    partial: bool = False
    occurred_at: str = field(default_factory=_now)
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def body(self) -> dict[str, Any]:
        return asdict(self)

    def for_log(self) -> str:
        caller = mask_phone(self.caller) if self.caller else "-"
        return (
            f"{self.reason}/{self.outcome} conversation={self.conversation_id} caller={caller} "
            f"event={self.event_id}"
        )


class RetryList(Protocol):
    """Where failed reports wait. In memory now; a durable outbox can replace it."""

    def add(self, event: HandoffEvent) -> None: ...

    def take_all(self) -> list[HandoffEvent]: ...

    def __len__(self) -> int: ...


class InMemoryRetryList:
    """Bounded: when full, the oldest report is dropped (and logged)."""

    def __init__(self, max_events: int = 200) -> None:
        self._events: deque[HandoffEvent] = deque()
        self._max = max_events

    def add(self, event: HandoffEvent) -> None:
        if len(self._events) >= self._max:
            lost = self._events.popleft()
            log.error("handoff retry list full; dropped %s", lost.for_log())
        self._events.append(event)

    def take_all(self) -> list[HandoffEvent]:
        events = list(self._events)
        self._events.clear()
        return events

    def __len__(self) -> int:
        return len(self._events)


def casestore_http_client(timeout_s: float) -> httpx.AsyncClient:
    timeout = httpx.Timeout(timeout_s, connect=min(1.0, timeout_s))
    return httpx.AsyncClient(timeout=timeout, trust_env=False)


class CaseStoreClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        service_token: str,
        retry_list: RetryList | None = None,
        max_attempts: int = 20,
    ) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + HANDOFFS_PATH
        self._token = service_token
        self.retry_list: RetryList = retry_list or InMemoryRetryList()
        self._max_attempts = max_attempts
        self._attempts: dict[str, int] = {}
        self._tasks: set[asyncio.Task[bool]] = set()
        # Tests and the bench look at what was sent.
        self.on_sent: Callable[[HandoffEvent], None] | None = None

    # -- the two reports the call flow makes -------------------------------------------------

    def report_handoff(
        self,
        conversation_id: str,
        call_sid_hash: str,
        reason: HandoffReason,
        channel: str = "hotline",
        caller: str = "",
        *,
        outcome: HandoffOutcome = "transferring",
        reference: str | None = None,
        transfer_target: TargetKind | None = None,
        call_status: str | None = None,
    ) -> HandoffEvent:
        event = HandoffEvent(
            conversation_id=conversation_id,
            call_sid_hash=call_sid_hash,
            reason=reason,
            outcome=outcome,
            channel=channel,
            caller=caller or None,
            reference=reference,
            transfer_target=transfer_target,
            call_status=call_status,
        )
        self.submit(event)
        return event

    def report_call_ended(
        self,
        conversation_id: str,
        status: str,
        partial: bool,
        *,
        call_sid_hash: str = "",
        caller: str = "",
        channel: str = "hotline",
        reference: str | None = None,
    ) -> HandoffEvent:
        event = HandoffEvent(
            conversation_id=conversation_id,
            call_sid_hash=call_sid_hash,
            reason="dropped_call",
            outcome="callback_needed",
            channel=channel,
            caller=caller or None,
            reference=reference,
            call_status=status,
            partial=partial,
        )
        self.submit(event)
        return event

    # -- delivery ----------------------------------------------------------------------------

    def submit(self, event: HandoffEvent) -> None:
        """Send in the background; returns at once (never awaits the network)."""
        log.info("handoff report %s", event.for_log())
        try:
            task = asyncio.get_running_loop().create_task(self._deliver(event))
        except RuntimeError:  # no event loop (a sync caller): keep it for the next flush
            self.retry_list.add(event)
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> int:
        """Re-send everything in the retry list; returns how many were delivered."""
        # one by one, in the order they happened: a later report of a call updates an
        # earlier one, so concurrent re-sends could leave the older status standing
        delivered = 0
        for event in self.retry_list.take_all():
            delivered += await self._deliver(event)
        return delivered

    async def drain(self, timeout_s: float = 1.0) -> None:
        """Wait a little for reports in flight (shutdown, tests)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def _deliver(self, event: HandoffEvent) -> bool:
        try:
            response = await self._http.post(
                self._url,
                json=event.body(),
                headers={
                    "Authorization": f"Bearer {self._token}",
                    "Idempotency-Key": event.event_id,
                },
            )
            # 409: already recorded (a retry of a delivered event).
            if response.status_code != 409:
                response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            code = exc.response.status_code
            if 400 <= code < 500 and code not in _WORTH_RETRYING:
                # Our request is wrong (token, body): resending it cannot help.
                log.error("handoff report refused (HTTP %d): %s", code, event.for_log())
                return False
            return self._keep_for_retry(event, f"HTTP {code}")
        except (httpx.HTTPError, OSError) as exc:
            return self._keep_for_retry(event, type(exc).__name__)
        except Exception:  # never let a report break anything else
            log.exception("handoff report failed unexpectedly: %s", event.for_log())
            self.retry_list.add(event)
            return False
        self._attempts.pop(event.event_id, None)
        if self.on_sent:
            self.on_sent(event)
        return True

    def _keep_for_retry(self, event: HandoffEvent, why: str) -> bool:
        attempts = self._attempts.get(event.event_id, 0) + 1
        if attempts >= self._max_attempts:
            self._attempts.pop(event.event_id, None)
            log.error("handoff report given up after %d tries: %s", attempts, event.for_log())
            return False
        self._attempts[event.event_id] = attempts
        log.warning("handoff report failed (%s), kept for retry: %s", why, event.for_log())
        self.retry_list.add(event)
        return False
