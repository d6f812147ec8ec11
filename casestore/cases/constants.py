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
    """Timeline entries (办理过程): registration, then one per lifecycle action."""

    REGISTERED = "registered"
    ACCEPT = "accept"
    REJECT = "reject"
    ASSIGN = "assign"
    RETURN = "return"
    SIGN = "sign"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REPLY = "reply"
    RATE = "rate"
    REQUEST_REVIEW = "request_review"
    REVIEW = "review"
    REQUEST_RECHECK = "request_recheck"
    RECHECK = "recheck"
    CLOSE = "close"
    SUPERVISE = "supervise"
    URGE = "urge"
    MARK_RATING_OVERDUE = "mark_rating_overdue"
    IMPORT_HISTORY = "import_history"
    MERGE = "merge"
    MERGED_IN = "merged_in"


class Role(StrEnum):
    """工作人员角色."""

    OPERATOR = "operator"  # 接线员/登记受理
    HANDLER = "handler"  # 承办人
    SUPERVISOR = "supervisor"  # 督办/单位负责人
    ADMIN = "admin"  # 管理员


class Rating(StrEnum):
    """评价."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


ROLE_LABELS: dict[str, str] = {
    Role.OPERATOR: "接线员",
    Role.HANDLER: "承办人",
    Role.SUPERVISOR: "督办负责人",
    Role.ADMIN: "管理员",
}

RATING_LABELS: dict[str, str] = {
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.UNSATISFIED: "不满意",
}

REPEAT_REASON_LABELS: dict[str, str] = {
    "same_complainant": "同一信访人",
    "same_matter": "同一事项（同一街道、内容相似）",
    "merged": "工作人员合并",
}


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
    EventKind.ACCEPT: "受理",
    EventKind.REJECT: "不予受理",
    EventKind.ASSIGN: "交办",
    EventKind.RETURN: "退回",
    EventKind.SIGN: "签收",
    EventKind.REQUEST_EXTENSION: "申请延期",
    EventKind.APPROVE_EXTENSION: "延期审批",
    EventKind.REPLY: "答复",
    EventKind.RATE: "评价",
    EventKind.REQUEST_REVIEW: "申请复查",
    EventKind.REVIEW: "复查意见",
    EventKind.REQUEST_RECHECK: "申请复核",
    EventKind.RECHECK: "复核意见",
    EventKind.CLOSE: "办结",
    EventKind.SUPERVISE: "督办",
    EventKind.URGE: "催办",
    EventKind.MARK_RATING_OVERDUE: "超期未评价",
    EventKind.IMPORT_HISTORY: "历史件导入",
    EventKind.MERGE: "合并办理",
    EventKind.MERGED_IN: "并入重复信访",
}


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, kind)
