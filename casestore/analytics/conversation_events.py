"""Rasa broker events → conversation analytics rows (会话统计入库), without personal data.

Rasa 3.6's tracker store publishes ``{"sender_id": …, **event.as_dict()}`` as
JSON for every new event (``rasa/core/tracker_store.py``). ``reduce_event``
keeps only what the figures need and drops the rest: the message text,
``parse_data`` (entities, text), slot values, bot texts and metadata (the
caller's number) never leave this function; the sender id becomes a keyed hash.

``store_batch`` writes a batch in one transaction, idempotently: an event is
unique per (sender hash, timestamp, kind, name), and the figures of every
conversation a batch touches are recomputed from that conversation's events,
so a redelivered, duplicated or late event never counts twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from casestore.analytics.conversation_models import (
    ConversationEvent,
    ConversationIntentDay,
    ConversationRecord,
)

# Every event type of Rasa 3.6 (rasa/shared/core/events.py). Anything else is poison.
RASA_EVENT_TYPES = frozenset(
    {
        "user",
        "user_featurization",
        "entities",
        "bot",
        "slot",
        "restart",
        "rewind",
        "reset_slots",
        "reminder",
        "cancel_reminder",
        "undo",
        "export",
        "followup",
        "pause",
        "resume",
        "action",
        "agent",
        "active_loop",
        "form",
        "loop_interrupted",
        "form_validation",
        "action_execution_rejected",
        "session_started",
    }
)
# Kept event kinds (the ``kind`` column).
USER, ACTION, SESSION, PAUSE, RESUME, RESTART, TRANSFER = (
    "user",
    "action",
    "session",
    "pause",
    "resume",
    "restart",
    "transfer",
)
KIND_OF_EVENT = {
    "user": USER,
    "action": ACTION,
    "session_started": SESSION,
    "pause": PAUSE,  # 人工接管 (ConversationPaused)
    "resume": RESUME,  # 交还智能助手
    "restart": RESTART,
}
# Actions of every turn that carry no information for the figures.
IGNORED_ACTIONS = frozenset({"action_listen", "action_session_start"})
SUBMIT_ACTIONS = ("action_submit_complaint",)  # 登记信访件 (registered, or kept in the outbox)
HANDOFF_ACTIONS = ("action_handoff",)  # 转人工
FALLBACK_ACTIONS = (
    "action_handle_fallback",
    "action_default_fallback",
    "action_two_stage_fallback",
)
# Intent and action names come from the domain; anything else (say "/13800138000"
# typed as an intent) is not stored as it was typed.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z_]{0,63}$")
OTHER_NAME = "(other)"
_CHANNELS = {"socketio": "web_chat"}
HOTLINE_PREFIX = "call-"  # the voice gateway's sender ids (voice_gateway/call_state.py)
# Rasa timestamps are Unix seconds; reject what cannot be one (years 2001 to 2286).
_MIN_TS, _MAX_TS = 1.0e9, 1.0e10


class PoisonMessage(ValueError):
    """A broker message that is not a Rasa event; ``reason`` names why (no content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReducedEvent:
    """What analytics keeps of one Rasa event."""

    sender_hash: str
    ts_us: int
    kind: str
    name: str = ""
    confidence: float | None = None
    channel: str | None = None

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.sender_hash, self.ts_us, self.kind, self.name)


class SenderHasher:
    """HMAC-SHA256 of the Rasa sender id with CASESTORE_HASH_KEY (会话标识不落明文)."""

    def __init__(self, key: str) -> None:
        self._key = key.encode("utf-8")

    def __call__(self, sender_id: str) -> str:
        message = "\x1f".join(("conversation", sender_id)).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]


def _safe_name(value: Any) -> str:
    if isinstance(value, str) and _NAME.match(value):
        return value
    return OTHER_NAME


def channel_of(sender_id: str, input_channel: Any) -> str:
    """``web_chat`` (socket.io), ``hotline`` (the voice gateway's REST sender) or Rasa's name."""
    if sender_id.startswith(HOTLINE_PREFIX):
        return "hotline"
    if not isinstance(input_channel, str) or not input_channel:
        return "unknown"
    name = _CHANNELS.get(input_channel, input_channel)
    return name[:32] if re.fullmatch(r"[A-Za-z0-9_.-]+", name) else "other"


def _confidence(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return min(max(float(value), 0.0), 1.0)
    return None


def reduce_event(body: bytes, hasher: SenderHasher) -> ReducedEvent | None:
    """The analytics row of one broker message; None for a Rasa event that is not kept.

    Raises ``PoisonMessage`` for anything that is not a Rasa event.
    """
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PoisonMessage("not JSON") from exc
    if not isinstance(event, dict):
        raise PoisonMessage("not a JSON object")
    sender_id, kind, timestamp = event.get("sender_id"), event.get("event"), event.get("timestamp")
    if not isinstance(sender_id, str) or not sender_id:
        raise PoisonMessage("no sender_id")
    if not isinstance(kind, str) or kind not in RASA_EVENT_TYPES:
        raise PoisonMessage("unknown event type")
    if (
        not isinstance(timestamp, int | float)
        or isinstance(timestamp, bool)
        or not math.isfinite(timestamp)
        or not _MIN_TS <= timestamp <= _MAX_TS
    ):
        raise PoisonMessage("no valid timestamp")
    sender_hash, ts_us = hasher(sender_id), round(timestamp * 1_000_000)
    if kind == "user":
        parse_data = event.get("parse_data")
        intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
        if not isinstance(intent, dict):
            intent = {}
        return ReducedEvent(
            sender_hash,
            ts_us,
            USER,
            name=_safe_name(intent.get("name")) if intent.get("name") else "",
            confidence=_confidence(intent.get("confidence")),
            channel=channel_of(sender_id, event.get("input_channel")),
        )
    if kind == "action":
        name = event.get("name")
        if name in IGNORED_ACTIONS:
            return None
        return ReducedEvent(sender_hash, ts_us, ACTION, name=_safe_name(name))
    if kind == "bot":
        # On the hotline a transfer to staff is a bot message with {"transfer": …}.
        data = event.get("data")
        custom = data.get("custom") if isinstance(data, dict) else None
        if isinstance(custom, dict) and "transfer" in custom:
            return ReducedEvent(sender_hash, ts_us, TRANSFER)
        return None
    if kind in KIND_OF_EVENT:
        return ReducedEvent(sender_hash, ts_us, KIND_OF_EVENT[kind])
    return None


# ---- storing ---------------------------------------------------------------------


@dataclass(frozen=True)
class BatchResult:
    """What one ``store_batch`` did."""

    events: int  # distinct events in the batch
    stored: int  # new rows (the others were stored before: redelivered or duplicated)
    conversations: int  # conversations whose figures were recomputed


def _utc(ts_us: int) -> datetime:
    return datetime.fromtimestamp(ts_us / 1_000_000, UTC)


def _insert_for(session: Session) -> Any:
    """The dialect's INSERT construct (for ON CONFLICT)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:  # pragma: no cover - the case store runs on SQLite and PostgreSQL only
        raise NotImplementedError(dialect)
    return insert


def _insert_ignore(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    keys: Sequence[str],
    returning: Sequence[str] = ("id", "sender_hash"),
) -> list[Any]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING …: only the rows that were new."""
    if not rows:
        return []
    statement = (
        _insert_for(session)(table)
        .on_conflict_do_nothing(index_elements=list(keys))
        .returning(*(table.c[name] for name in returning))
    )
    return list(session.execute(statement, rows).all())


def _count_intents(session: Session, new_rows: Sequence[Any], tz: ZoneInfo) -> None:
    """Adds new citizen messages to the per-day intent counts (same transaction)."""
    counts: dict[tuple[date, str], list[float]] = defaultdict(lambda: [0, 0.0, 0])
    for row in new_rows:
        if row.kind != USER:
            continue
        entry = counts[(_utc(row.ts_us).astimezone(tz).date(), row.name)]
        entry[0] += 1
        if row.confidence is not None:
            entry[1] += row.confidence
            entry[2] += 1
    if not counts:
        return
    table: Table = ConversationIntentDay.__table__  # type: ignore[assignment]
    statement = _insert_for(session)(table)
    statement = statement.on_conflict_do_update(
        index_elements=["local_day", "intent"],
        set_={
            "messages": table.c.messages + statement.excluded.messages,
            "confidence_sum": table.c.confidence_sum + statement.excluded.confidence_sum,
            "confidence_count": table.c.confidence_count + statement.excluded.confidence_count,
        },
    )
    session.execute(
        statement,
        [
            {
                "local_day": day,
                "intent": intent,
                "messages": int(n),
                "confidence_sum": total,
                "confidence_count": int(k),
            }
            for (day, intent), (n, total, k) in sorted(counts.items())
        ],
    )


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_starts(session: Session, senders: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """Per sender hash: its conversations as sorted (session_start_us, id)."""
    conv = ConversationRecord
    starts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(senders))):
        rows = session.execute(
            select(conv.sender_hash, conv.session_start_us, conv.id).where(
                conv.sender_hash.in_(chunk)
            )
        )
        for sender, start, ident in rows:
            starts[sender].append((start, ident))
    for values in starts.values():
        values.sort()
    return starts


def _conversation_of(starts: list[tuple[int, int]], ts_us: int) -> int | None:
    index = bisect_right(starts, (ts_us, math.inf))
    return starts[index - 1][1] if index else None


def _new_conversation(sender: str, start_us: int, first_us: int, tz: ZoneInfo) -> dict[str, Any]:
    at = _utc(first_us)
    return {
        "sender_hash": sender,
        "session_start_us": start_us,
        "channel": None,
        "started_at": at,
        "ended_at": at,
        "local_day": at.astimezone(tz).date(),
        "duration_s": 0.0,
        "user_turns": 0,
        "fallbacks": 0,
        "submitted": False,
        "handoff": False,
        "takeover": False,
    }


def store_batch(session: Session, events: Sequence[ReducedEvent], tz: ZoneInfo) -> BatchResult:
    """Stores a batch of events and recomputes their conversations (caller commits)."""
    unique = sorted({e.key: e for e in events}.values(), key=lambda e: (e.sender_hash, e.ts_us))
    if not unique:
        return BatchResult(0, 0, 0)
    conversations: Table = ConversationRecord.__table__  # type: ignore[assignment]
    event_table: Table = ConversationEvent.__table__  # type: ignore[assignment]
    session_keys = ["sender_hash", "session_start_us"]
    # 1. A conversation per session start (会话开始).
    new_sessions = {
        (row.sender_hash, row.id)
        for row in _insert_ignore(
            session,
            conversations,
            [
                _new_conversation(e.sender_hash, e.ts_us, e.ts_us, tz)
                for e in unique
                if e.kind == SESSION
            ],
            session_keys,
        )
    }
    starts = _load_starts(session, (e.sender_hash for e in unique))
    # 2. Events before any session start we know of go to the sender's "session 0".
    orphans: dict[str, int] = {}
    for e in unique:
        if _conversation_of(starts.get(e.sender_hash, []), e.ts_us) is None:
            orphans[e.sender_hash] = min(orphans.get(e.sender_hash, e.ts_us), e.ts_us)
    if orphans:
        _insert_ignore(
            session,
            conversations,
            [_new_conversation(s, 0, first, tz) for s, first in orphans.items()],
            session_keys,
        )
        starts.update(_load_starts(session, orphans))
    touched: set[int] = set()
    rows = []
    for e in unique:
        conversation_id = _conversation_of(starts[e.sender_hash], e.ts_us)
        assert conversation_id is not None
        touched.add(conversation_id)
        rows.append(
            {
                "conversation_id": conversation_id,
                "sender_hash": e.sender_hash,
                "ts_us": e.ts_us,
                "kind": e.kind,
                "name": e.name,
                "confidence": e.confidence,
                "channel": e.channel,
            }
        )
    new_rows = _insert_ignore(
        session,
        event_table,
        rows,
        ["sender_hash", "ts_us", "kind", "name"],
        returning=("kind", "name", "confidence", "ts_us"),
    )
    _count_intents(session, new_rows, tz)
    # 3. A session start that arrived after later events of its sender: move them over.
    for sender, conversation_id in sorted(new_sessions):
        touched |= _claim_later_events(session, sender, starts[sender], conversation_id)
    recompute_conversations(session, touched, tz)
    return BatchResult(len(unique), len(new_rows), len(touched))


def _claim_later_events(
    session: Session, sender: str, starts: list[tuple[int, int]], ident: int
) -> set[int]:
    """Moves this session's events that an earlier session holds; returns the earlier ones."""
    position = next(i for i, (_, c) in enumerate(starts) if c == ident)
    start = starts[position][0]
    ev = ConversationEvent
    where = [
        ev.sender_hash == sender,
        ev.ts_us >= start,
        ev.conversation_id != ident,
    ]
    if position + 1 < len(starts):
        where.append(ev.ts_us < starts[position + 1][0])
    previous = set(session.scalars(select(ev.conversation_id).where(*where).distinct()))
    if previous:
        session.execute(
            update(ev).where(*where).values(conversation_id=ident),
            execution_options={"synchronize_session": False},
        )
    return previous


def recompute_conversations(session: Session, ids: Iterable[int], tz: ZoneInfo) -> None:
    """Sets the figures of these conversations from their events (idempotent)."""
    ids = sorted(set(ids))
    if not ids:
        return
    ev = ConversationEvent
    is_action = ev.kind == ACTION

    def flag(condition: Any) -> Any:
        return func.max(case((condition, 1), else_=0))

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):  # type: ignore[arg-type]
        query = (
            select(
                ev.conversation_id,
                func.min(ev.ts_us),
                func.max(ev.ts_us),
                count(ev.kind == USER),
                count(and_(is_action, ev.name.in_(FALLBACK_ACTIONS))),
                flag(and_(is_action, ev.name.in_(SUBMIT_ACTIONS))),
                flag(
                    or_(
                        ev.kind.in_((TRANSFER, PAUSE)),
                        and_(is_action, ev.name.in_(HANDOFF_ACTIONS)),
                    )
                ),
                flag(ev.kind == PAUSE),
                func.max(ev.channel),
            )
            .where(ev.conversation_id.in_(chunk))
            .group_by(ev.conversation_id)
        )
        for (
            ident,
            first,
            last,
            turns,
            fallbacks,
            submitted,
            handoff,
            paused,
            channel,
        ) in session.execute(query):
            started, ended = _utc(int(first)), _utc(int(last))
            found[ident] = {
                "id": ident,
                "channel": channel,
                "started_at": started,
                "ended_at": ended,
                "local_day": started.astimezone(tz).date(),
                "duration_s": (int(last) - int(first)) / 1_000_000,
                "user_turns": int(turns or 0),
                "fallbacks": int(fallbacks or 0),
                "submitted": bool(submitted),
                "handoff": bool(handoff),
                "takeover": bool(paused),
            }
    if found:
        session.execute(update(ConversationRecord), [found[i] for i in ids if i in found])
    # A "session 0" whose events all moved to their late session start holds nothing.
    if emptied := [i for i in ids if i not in found]:
        session.execute(
            delete(ConversationRecord).where(ConversationRecord.id.in_(emptied)),
            execution_options={"synchronize_session": False},
        )
