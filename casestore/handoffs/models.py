from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casestore.core.db import Base, UTCDateTime


class Handoff(Base):
    """转人工记录: one open hand-off per conversation; the caller's number encrypted."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), index=True)
    reference: Mapped[str | None] = mapped_column(String(40))
    transfer_target: Mapped[str | None] = mapped_column(String(20))
    call_status: Mapped[str | None] = mapped_column(String(30))
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    caller_phone_enc: Mapped[str | None] = mapped_column(Text)
    caller_phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # 人工接管: who holds the conversation (one person at a time)
    holder: Mapped[str | None] = mapped_column(String(100))
    holder_name: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    case_number: Mapped[str | None] = mapped_column(String(20))
    # the bot's guess when it handed over
    guess_intent: Mapped[str | None] = mapped_column(String(50))
    guess_category: Mapped[str | None] = mapped_column(String(50))
    guess_place: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class HandoffEvent(Base):
    """What the bot or the voice gateway reported, once per event id (append-only)."""

    __tablename__ = "handoff_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(30))
    call_status: Mapped[str | None] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
