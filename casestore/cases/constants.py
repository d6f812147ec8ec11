"""Vocabularies of the case domain with their Chinese labels (see shared/spec/domain.md)."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """信访形式."""

    WEB_CHAT = "web_chat"
    HOTLINE = "hotline"
    LETTER = "letter"
    VISIT = "visit"
    ONLINE_FORM = "online_form"
    OPEN311 = "open311"


class Purpose(StrEnum):
    """信访目的."""

    COMPLAINT = "complaint"
    REPORT = "report"
    SUGGESTION = "suggestion"
    CONSULTATION = "consultation"
    APPEAL = "appeal"


class CaseState(StrEnum):
    """信访件状态."""

    REGISTERED = "registered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    RATED = "rated"
    REVIEW_REQUESTED = "review_requested"
    REVIEWED = "reviewed"
    RECHECK_REQUESTED = "recheck_requested"
    RECHECKED = "rechecked"
    CLOSED = "closed"


class EventKind(StrEnum):
    """Timeline entries (办理过程)."""

    REGISTERED = "registered"


CHANNEL_LABELS: dict[str, str] = {
    Channel.WEB_CHAT: "网页对话",
    Channel.HOTLINE: "热线电话",
    Channel.LETTER: "来信",
    Channel.VISIT: "来访",
    Channel.ONLINE_FORM: "网上投诉",
    Channel.OPEN311: "Open311 接口",
}

PURPOSE_LABELS: dict[str, str] = {
    Purpose.COMPLAINT: "求决",
    Purpose.REPORT: "揭发控告",
    Purpose.SUGGESTION: "意见建议",
    Purpose.CONSULTATION: "咨询",
    Purpose.APPEAL: "申诉",
}

STATE_LABELS: dict[str, str] = {
    CaseState.REGISTERED: "已登记",
    CaseState.ACCEPTED: "已受理",
    CaseState.REJECTED: "不予受理",
    CaseState.ASSIGNED: "已交办",
    CaseState.IN_PROGRESS: "办理中",
    CaseState.REPLIED: "已答复",
    CaseState.RATED: "已评价",
    CaseState.REVIEW_REQUESTED: "已申请复查",
    CaseState.REVIEWED: "已复查",
    CaseState.RECHECK_REQUESTED: "已申请复核",
    CaseState.RECHECKED: "已复核",
    CaseState.CLOSED: "已办结",
}

EVENT_LABELS: dict[str, str] = {
    EventKind.REGISTERED: "已登记",
}


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind)
