from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Reason = Literal[
    "request_human",
    "emergency",
    "misunderstood",
    "bot_unavailable",
    "dropped_call",
    "low_confidence",
]
Outcome = Literal["waiting", "transferring", "connected", "callback_needed", "closed"]
REASON_LABELS = {
    "request_human": "市民要求转人工",
    "emergency": "紧急情况",
    "misunderstood": "多次未理解",
    "bot_unavailable": "系统无响应",
    "dropped_call": "通话中断",
    "low_confidence": "识别把握不足",
}
STATUS_LABELS = {
    "waiting": "等待人工",
    "transferring": "正在转接",
    "connected": "已接通",
    "callback_needed": "待回电",
    "closed": "已结束",
}


class GuessIn(BaseModel):
    """What the bot understood before it handed over (意图、类别、地点)."""

    intent: str | None = Field(default=None, max_length=50)
    category: str | None = Field(default=None, max_length=50)
    place: str | None = Field(default=None, max_length=200)


class HandoffEventIn(BaseModel):
    """One report from the bot or the voice gateway (idempotent by event_id)."""

    event_id: str = Field(min_length=1, max_length=64)
    conversation_id: str = Field(min_length=1, max_length=200)
    channel: Literal["web_chat", "hotline"]
    reason: Reason
    outcome: Outcome = "waiting"
    call_sid_hash: str | None = Field(default=None, max_length=64)
    caller: str | None = Field(default=None, max_length=40)
    reference: str | None = Field(default=None, max_length=40)
    transfer_target: str | None = Field(default=None, max_length=20)
    call_status: str | None = Field(default=None, max_length=30)
    partial: bool = False
    occurred_at: datetime | None = None
    guess: GuessIn | None = None


class HandoffOut(BaseModel):
    id: int
    conversation_id: str
    channel: str
    reason: str
    reason_label: str
    status: str
    status_label: str
    caller: str | None  # masked
    reference: str | None
    call_status: str | None
    partial: bool
    created_at: datetime
    updated_at: datetime
    waiting_seconds: int
    holder: str | None = None
    holder_name: str | None = None
    claimed_at: datetime | None = None
    case_number: str | None = None
    guess_intent: str | None = None
    guess_category: str | None = None
    guess_place: str | None = None


class HandoffList(BaseModel):
    items: list[HandoffOut]
    total: int


class TranscriptLine(BaseModel):
    """One line of the conversation: the citizen, the bot, or a staff member."""

    who: Literal["user", "bot", "staff"]
    text: str
    at: datetime
    staff_name: str | None = None


class CaseDraft(BaseModel):
    """案件草稿: pre-filled from what the bot collected; the staff member edits it."""

    purpose: Literal["complaint", "report", "suggestion", "consultation", "appeal"] = "complaint"
    description: str = ""
    request: str | None = None
    occurred_at_text: str | None = None
    district: str | None = None
    street: str | None = None
    community: str | None = None
    address: str | None = None
    anonymous: bool = False
    name: str | None = None
    phone: str | None = None
    category: str | None = None


class HandoffDetail(BaseModel):
    handoff: HandoffOut
    transcript: list[TranscriptLine]
    slots: dict[str, object]
    draft: CaseDraft
    paused: bool
    transcript_available: bool


class StaffMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class HandoffCaseIn(CaseDraft):
    """The edited draft the staff member registers (转为案件)."""

    description: str = Field(min_length=1, max_length=5000)


class HandoffCaseOut(BaseModel):
    handoff: HandoffOut
    number: str
    query_code: str
    responsible_unit: str
    accept_by: str
    citizen_told: bool
