"""What Twilio's status callbacks said about each call: a small, bounded, in-memory log.

Keyed by conversation id (derived from CallSid), never by phone number; the caller is kept
masked. Enough to see recent calls' outcomes while running; not a record of account.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from voice_gateway.casestore_client import mask_phone


@dataclass(frozen=True)
class CallStatusEntry:
    status: str
    duration_s: int | None
    at: float
    caller: str  # masked


class CallLog:
    def __init__(
        self,
        max_calls: int = 500,
        max_entries_per_call: int = 10,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._calls: OrderedDict[str, deque[CallStatusEntry]] = OrderedDict()
        self._max_calls = max_calls
        self._max_entries = max_entries_per_call
        self._clock = clock

    def record(self, conversation: str, status: str, duration: str, caller: str) -> None:
        entries = self._calls.pop(conversation, None) or deque(maxlen=self._max_entries)
        entries.append(
            CallStatusEntry(
                status=status,
                duration_s=int(duration) if duration.isdigit() else None,
                at=self._clock(),
                caller=mask_phone(caller),
            )
        )
        self._calls[conversation] = entries  # most recent last
        while len(self._calls) > self._max_calls:
            self._calls.popitem(last=False)

    def get(self, conversation: str) -> list[CallStatusEntry]:
        return list(self._calls.get(conversation, ()))

    def __len__(self) -> int:
        return len(self._calls)
