"""Tables of conversation analytics (会话统计), fed by Rasa's event broker (migration 0008).

No personal data: the sender id is kept only as a keyed hash, and no message
text, slot value or entity value is stored. An event row is the minimum the
figures need (what kind, which intent or action, when, over which channel).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from casestore.core.db import Base, UTCDateTime

# A 64-bit key on PostgreSQL; SQLite auto-increments only INTEGER PRIMARY KEY (also 64-bit).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class ConversationRecord(Base):
    """One conversation (会话): one Rasa session of one sender, summarised from its events.

    ``session_start_us`` is the timestamp of the session's ``session_started``
    event (0: events seen before any session start of that sender). The figures
    are recomputed from the conversation's events whenever one arrives, so a
    redelivered or late event never counts twice.
    """

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("sender_hash", "session_start_us", name="uq_conversations_session"),
        # One period is a range scan that reads every figure from the index.
        Index(
            "ix_conversations_day",
            "local_day",
            "channel",
            "user_turns",
            "submitted",
            "handoff",
            "fallbacks",
            "duration_s",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_hash: Mapped[str] = mapped_column(String(32))
    session_start_us: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_day: Mapped[date] = mapped_column(Date)  # started_at in CASE_TIMEZONE
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    user_turns: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)  # 登记: the submit action ran
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)  # 转人工 or 人工接管
    takeover: Mapped[bool] = mapped_column(Boolean, default=False)  # staff took it over


class ConversationEvent(Base):
    """One Rasa event, reduced to what analytics needs; unique per (sender, time, kind, name)."""

    __tablename__ = "conversation_events"
    __table_args__ = (
        UniqueConstraint("sender_hash", "ts_us", "kind", "name", name="uq_conversation_events_key"),
        # Top intents of a period: an index-only range scan.
        Index("ix_conversation_events_kind_ts", "kind", "ts_us", "name", "confidence"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    sender_hash: Mapped[str] = mapped_column(String(32))
    ts_us: Mapped[int] = mapped_column(BigInteger)  # Rasa's timestamp in microseconds
    kind: Mapped[str] = mapped_column(String(16))  # user | action | session | pause | ...
    name: Mapped[str] = mapped_column(String(64), default="")  # intent or action name
    confidence: Mapped[float | None] = mapped_column(Float)
    channel: Mapped[str | None] = mapped_column(String(32))


class ConversationIntentDay(Base):
    """Citizen messages per local day and intent (top intents without scanning the events).

    Incremented only by events that were new in their batch (the insert returns
    them), in the same transaction, so a redelivered event is not counted twice.
    """

    __tablename__ = "conversation_intent_days"

    local_day: Mapped[date] = mapped_column(Date, primary_key=True)
    intent: Mapped[str] = mapped_column(String(64), primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    confidence_sum: Mapped[float] = mapped_column(Float, default=0.0)
    confidence_count: Mapped[int] = mapped_column(Integer, default=0)
