from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
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
    id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    accept_by: Mapped[date] = mapped_column(Date)

    # Deadlines (期限). ``due_by`` is the deadline of the current step, None when
    # the case waits on nobody in the administration (答复后、已办结).
    due_by: Mapped[date | None] = mapped_column(Date, index=True)
    handle_by: Mapped[date | None] = mapped_column(Date)
    rate_by: Mapped[date | None] = mapped_column(Date)
    review_request_by: Mapped[date | None] = mapped_column(Date)
    recheck_request_by: Mapped[date | None] = mapped_column(Date)
    decision_by: Mapped[date | None] = mapped_column(Date)
    # 延期: requested → approved | refused; once per case.
    extension_status: Mapped[str | None] = mapped_column(String(20))
    extension_days: Mapped[int | None] = mapped_column(Integer)

    # Units the case passed through (三级联动).
    assigning_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    replied_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # 督办 / 催办 / 评价.
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    supervising_unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    supervised_due_by: Mapped[date | None] = mapped_column(Date)
    urge_count: Mapped[int] = mapped_column(Integer, default=0)
    rating: Mapped[str | None] = mapped_column(String(30))
    rating_reason: Mapped[str | None] = mapped_column(Text)
    rating_overdue: Mapped[bool] = mapped_column(Boolean, default=False)

    # 重复信访.
    repeat: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    repeat_of: Mapped[str | None] = mapped_column(String(20), index=True)
    repeat_reason: Mapped[str | None] = mapped_column(String(30))
    external_id: Mapped[str | None] = mapped_column(String(100), index=True)
    # Public support (点赞/附议) where the source has it; weighs in the hot-issue heat.
    public_support: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Keyed hash of the citizen's account on the source platform (imported message
    # boards): tells complainants apart where no phone or ID number is known.
    source_account_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    responsible_unit: Mapped[Unit] = relationship(
        lazy="joined", foreign_keys=[responsible_unit_code]
    )
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")

    __table_args__ = (
        Index("ix_cases_unit_state_due_by", "responsible_unit_code", "state", "due_by"),
        Index("ix_cases_unit_created_at", "responsible_unit_code", "created_at"),
        Index("ix_cases_unit_category", "responsible_unit_code", "category_name"),
        Index("ix_cases_street_created_at", "street", "created_at"),
    )
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
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    actor_role: Mapped[str | None] = mapped_column(String(20))

    case: Mapped[Case] = relationship(back_populates="events")


class CaseNumberCounter(Base):
    """Last sequence number used per local calendar day (案件编号日流水)."""

    __tablename__ = "case_number_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD
    last_value: Mapped[int] = mapped_column(Integer, nullable=False)
