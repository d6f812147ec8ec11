"""Per-call memory between webhooks, keyed by CallSid.

Kept in process memory for now. Everything here is plain data so that a shared store
(Redis, the case store) can replace InMemoryCallStateStore behind the CallStateStore protocol
when several gateway instances serve one number.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from voice_gateway.bot_reply import Button


def call_sid_hash(call_sid: str) -> str:
    """The CallSid as the case store sees it: a full SHA-256, never the SID itself."""
    return hashlib.sha256(call_sid.encode("utf-8")).hexdigest()


def conversation_id(call_sid: str) -> str:
    """Rasa sender id of a call: derived from CallSid, never the caller's phone number."""
    return "call-" + hashlib.sha256(call_sid.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PendingUtterance:
    """What the caller said that Rasa has not answered yet; re-sent until it is."""

    message: str
    attempts: int = 0


@dataclass(frozen=True)
class PendingTransfer:
    """The caller is being put through to staff (<Dial>/<Enqueue> sent, no outcome yet)."""

    reason: str
    reference: str | None = None


@dataclass(frozen=True)
class CallState:
    caller: str = ""
    # Last question asked, repeated on no-input; buttons of the last turn, for "按1" / "说一".
    last_question: tuple[str, ...] = ()
    last_buttons: tuple[Button, ...] = ()
    no_input_count: int = 0
    pending: PendingUtterance | None = None
    turns: int = 0
    # Rasa answered with nothing to say, this many turns in a row.
    empty_replies: int = 0
    # The bot's last turn waits for an answer; a case number has been read out.
    bot_asked: bool = True
    case_number_read: bool = False
    transfer: PendingTransfer | None = None
    updated_at: float = field(default=0.0, compare=False)

    def heard_caller(self) -> CallState:
        return replace(self, no_input_count=0)

    @property
    def mid_complaint(self) -> bool:
        """The caller has said something, the bot is still asking, and no case is filed yet."""
        return (
            self.turns > 0
            and not self.case_number_read
            and (self.bot_asked or self.pending is not None or self.transfer is not None)
        )


class CallStateStore(Protocol):
    def get(self, call_sid: str) -> CallState: ...

    def save(self, call_sid: str, state: CallState) -> None: ...

    def drop(self, call_sid: str) -> None: ...


class InMemoryCallStateStore:
    """Dict store with idle expiry (calls whose end we never hear about do not pile up)."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._states: dict[str, CallState] = {}

    def get(self, call_sid: str) -> CallState:
        self._expire()
        return self._states.get(call_sid, CallState())

    def save(self, call_sid: str, state: CallState) -> None:
        self._states[call_sid] = replace(state, updated_at=self._clock())

    def drop(self, call_sid: str) -> None:
        self._states.pop(call_sid, None)

    def __len__(self) -> int:
        return len(self._states)

    def _expire(self) -> None:
        oldest = self._clock() - self._ttl_s
        for sid in [sid for sid, s in self._states.items() if s.updated_at < oldest]:
            del self._states[sid]
