from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casestore.core.db import Base, UTCDateTime
from casestore.units.models import Unit


class Case(Base):
    """信访件. Personal data columns hold Fernet tokens (``*_enc``), never plain text."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    query_code_hash: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(32), index=True)

    description: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    request: Mapped[str | None] = mapped_column(Text)
    occurred_at_text: Mapped[str | None] = mapped_column(String(200))

    district: Mapped[str | None] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(100))
    community: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(Text)
    responsible_unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)

    category_name: Mapped[str | None] = mapped_column(String(50))
    category_confidence: Mapped[float | None] = mapped_column(Float)

    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    complainant_name_enc: Mapped[str | None] = mapped_column(Text)
    complainant_phone_enc: Mapped[str | None] = mapped_column(Text)
    complainant_id_enc: Mapped[str | None] = mapped_column(Text)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)

    conversation_id: Mapped[str | None] = mapped_column(String(200), index=True)
    accept_by: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    responsible_unit: Mapped[Unit] = relationship(lazy="joined")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")

    __mapper_args__ = {  # noqa: RUF012  (SQLAlchemy reads this class attribute)
        "version_id_col": version
    }  # optimistic locking for later transitions


class CaseEvent(Base):
    """One entry of a case's timeline (办理过程); append-only."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    note: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)

    case: Mapped[Case] = relationship(back_populates="events")


class CaseNumberCounter(Base):
    """Last sequence number used per local calendar day (案件编号日流水)."""

    __tablename__ = "case_number_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD
    last_value: Mapped[int] = mapped_column(Integer, nullable=False)
