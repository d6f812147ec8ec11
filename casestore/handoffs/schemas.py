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


class HandoffList(BaseModel):
    items: list[HandoffOut]
    total: int
