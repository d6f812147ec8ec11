"""Request and response bodies of the case API v1 (docs/contracts-draft.md)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator

from casestore.cases.constants import CaseState, Channel, Purpose
from casestore.cases.numbering import normalize_number
from casestore.core.security import normalize_phone
from casestore.units.schemas import ResponsibleUnitOut

MAX_DESCRIPTION = 20_000


def _storable(value: str) -> str:
    """Reject text no database can store (NUL, lone surrogates) instead of failing later."""
    if "\x00" in value:
        raise ValueError("包含无效字符")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("包含无效字符") from exc
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("不能为空")
    return value


Text = Annotated[str, AfterValidator(_storable)]
Key = Annotated[
    str,
    Field(min_length=1, max_length=100),
    AfterValidator(_storable),
    AfterValidator(_not_blank),
]


class LocationIn(BaseModel):
    """问题属地: names as the citizen gave them; matched against the gazetteer."""

    district: Annotated[Text, Field(max_length=100)] | None = None
    street: Annotated[Text, Field(max_length=100)] | None = None
    community: Annotated[Text, Field(max_length=100)] | None = None
    address: Annotated[Text, Field(max_length=500)] | None = None


class ComplainantIn(BaseModel):
    """信访人. An anonymous complainant's personal data are discarded, never stored."""

    anonymous: bool = False
    name: Annotated[Text, Field(max_length=50)] | None = None
    phone: Annotated[Text, Field(max_length=30)] | None = None
    id_number: Annotated[Text, Field(max_length=30)] | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        digits = normalize_phone(value)
        if not re.fullmatch(r"[\d+\-() ]+", value.strip()) or not 5 <= len(digits) <= 15:
            raise ValueError("电话号码格式不正确")
        return digits

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        cleaned = value.strip().upper()
        if not re.fullmatch(r"\d{17}[\dX]|\d{15}", cleaned):
            raise ValueError("身份证号码格式不正确（应为 18 位或 15 位）")
        return cleaned


class CategoryIn(BaseModel):
    """内容分类 predicted by the NLU (level-1 category)."""

    name: Annotated[Text, Field(min_length=1, max_length=50)]
    confidence: float = Field(ge=0.0, le=1.0)


class CaseCreate(BaseModel):
    idempotency_key: Key
    channel: Channel
    purpose: Purpose = Purpose.COMPLAINT
    description: Annotated[
        Text,
        Field(min_length=1, max_length=MAX_DESCRIPTION),
        AfterValidator(_not_blank),
    ]
    summary: Annotated[Text, Field(max_length=2000)] | None = None
    request: Annotated[Text, Field(max_length=2000)] | None = None
    occurred_at_text: Annotated[Text, Field(max_length=200)] | None = None
    location: LocationIn = Field(default_factory=LocationIn)
    complainant: ComplainantIn = Field(default_factory=ComplainantIn)
    category: CategoryIn | None = None
    conversation_id: Annotated[Text, Field(max_length=200)] | None = None


class CaseCreated(BaseModel):
    number: str
    query_code: str
    state: CaseState
    state_label: str
    responsible_unit: ResponsibleUnitOut
    accept_by: date
    created_at: datetime
    repeat_of: str | None = None
    repeat_reason: str | None = None  # same_complainant | same_matter
    repeat_reason_label: str | None = None


class LookupRequest(BaseModel):
    """Citizen look-up (查询): case number (or its digits) and the 6-digit query code."""

    number: Annotated[Text, Field(min_length=1, max_length=40)]
    query_code: Annotated[Text, Field(min_length=1, max_length=20)]

    @field_validator("number")
    @classmethod
    def _case_number(cls, value: str) -> str:
        number = normalize_number(value)
        if number is None:
            raise ValueError("案件编号格式不正确（例如 XF202611260001）")
        return number

    @field_validator("query_code")
    @classmethod
    def _six_digits(cls, value: str) -> str:
        cleaned = "".join(value.split())
        if not re.fullmatch(r"\d{6}", cleaned):
            raise ValueError("查询码应为 6 位数字")
        return cleaned


class LastEventOut(BaseModel):
    at: datetime
    label: str
    note: str | None


class CaseLookupOut(BaseModel):
    number: str
    state: CaseState
    state_label: str
    responsible_unit: ResponsibleUnitOut
    accept_by: date
    created_at: datetime
    last_event: LastEventOut | None
    # Added with the lifecycle (市民可见: deadlines and the public timeline only).
    deadlines: DeadlinesOut | None = None
    timeline: list[TimelineEventOut] = Field(default_factory=list)
    urge_count: int = 0
    rating: str | None = None
    rating_label: str | None = None
    repeat_of: str | None = None
    can_urge: bool = False
    can_evaluate: bool = False
    can_request_review: bool = False
    can_request_recheck: bool = False


class ComplainantMasked(BaseModel):
    anonymous: bool
    name: str | None
    phone: str | None
    id_number: str | None


class CaseSummaryOut(BaseModel):
    """One line of the staff list: personal data masked (张*, 138****1234)."""

    number: str
    channel: Channel
    purpose: Purpose
    state: CaseState
    state_label: str
    summary: str | None
    category_name: str | None
    district: str | None
    street: str | None
    responsible_unit: ResponsibleUnitOut
    complainant: ComplainantMasked
    conversation_id: str | None
    accept_by: date
    created_at: datetime


class CaseListOut(BaseModel):
    items: list[CaseSummaryOut]
    total: int


# ---- lifecycle, staff and citizen actions ------------------------------------------


class DeadlinesOut(BaseModel):
    """期限: the dates that matter for the case now."""

    accept_by: date
    handle_by: date | None
    due_by: date | None
    rate_by: date | None
    review_request_by: date | None
    recheck_request_by: date | None
    decision_by: date | None
    overdue: bool


class TimelineEventOut(BaseModel):
    at: datetime
    kind: str
    label: str
    note: str | None
    unit: str | None


class StaffTimelineEventOut(TimelineEventOut):
    actor: str
    actor_role: str | None
    public: bool
    from_state: str | None
    to_state: str | None


class CaseFlagsOut(BaseModel):
    supervised: bool
    supervising_unit: str | None
    urge_count: int
    repeat: bool
    repeat_of: str | None
    repeat_reason: str | None
    rating: str | None
    rating_label: str | None
    rating_overdue: bool
    extension_status: str | None
    extension_days: int | None


class ComplainantOut(BaseModel):
    anonymous: bool
    name: str | None
    phone: str | None
    id_number: str | None


class StaffCaseSummaryOut(CaseSummaryOut):
    version: int
    due_by: date | None
    overdue: bool
    supervised: bool
    urge_count: int
    repeat: bool
    repeat_of: str | None


class StaffCaseListOut(BaseModel):
    items: list[StaffCaseSummaryOut]
    total: int


class AllowedActionOut(BaseModel):
    """One lifecycle action the signed-in staff member may take now (办理操作)."""

    action: str  # lifecycle name, e.g. request_extension
    label: str  # 申请延期
    path: str  # URL segment under /api/v1/staff/cases/{number}/, e.g. request-extension


class StaffCaseDetailOut(BaseModel):
    """Case detail for entitled staff: personal data in clear, full timeline."""

    number: str
    version: int
    channel: Channel
    purpose: Purpose
    state: CaseState
    state_label: str
    allowed_actions: list[str]  # names; the same list as ``actions``
    actions: list[AllowedActionOut] = Field(default_factory=list)
    description: str
    summary: str | None
    request: str | None
    occurred_at_text: str | None
    category_name: str | None
    district: str | None
    street: str | None
    community: str | None
    address: str | None
    responsible_unit: ResponsibleUnitOut
    suggested_unit: ResponsibleUnitOut | None
    complainant: ComplainantOut
    deadlines: DeadlinesOut
    flags: CaseFlagsOut
    repeats: list[str]
    conversation_id: str | None
    created_at: datetime
    timeline: list[StaffTimelineEventOut]


Reason = Annotated[Text, Field(max_length=2000)]


class StaffActionIn(BaseModel):
    """One lifecycle action by staff. ``version`` is the one the staff member saw."""

    version: int = Field(ge=1)
    reason: Reason | None = None
    note: Annotated[Text, Field(max_length=MAX_DESCRIPTION)] | None = None
    unit_code: Annotated[Text, Field(max_length=100)] | None = None
    days: int | None = Field(default=None, ge=1, le=365)
    approved: bool | None = None
    target_number: Annotated[Text, Field(max_length=40)] | None = None  # 合并


class CitizenProof(BaseModel):
    """How a citizen proves the case is theirs: the query code, or (hotline, with the
    service token) the calling phone number."""

    number: Annotated[Text, Field(min_length=1, max_length=40)]
    query_code: Annotated[Text, Field(max_length=20)] | None = None
    phone: Annotated[Text, Field(max_length=30)] | None = None

    @field_validator("number")
    @classmethod
    def _case_number(cls, value: str) -> str:
        number = normalize_number(value)
        if number is None:
            raise ValueError("案件编号格式不正确（例如 XF202611260001）")
        return number

    @field_validator("query_code")
    @classmethod
    def _six_digits(cls, value: str | None) -> str | None:
        if value is None:
            return None
        cleaned = "".join(value.split())
        if not re.fullmatch(r"\d{6}", cleaned):
            raise ValueError("查询码应为 6 位数字")
        return cleaned

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        digits = normalize_phone(value)
        if not 5 <= len(digits) <= 15:
            raise ValueError("电话号码格式不正确")
        return digits


class PhoneLookupRequest(BaseModel):
    """Hotline look-up: case number + the calling phone (service token only)."""

    number: Annotated[Text, Field(min_length=1, max_length=40)]
    phone: Annotated[Text, Field(min_length=1, max_length=30)]

    @field_validator("number")
    @classmethod
    def _case_number(cls, value: str) -> str:
        return CitizenProof._case_number(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        digits = CitizenProof._phone(value)
        if digits is None:
            raise ValueError("电话号码格式不正确")
        return digits


class UrgeIn(CitizenProof):
    reason: Reason | None = None


class EvaluateIn(CitizenProof):
    rating: Literal["satisfied", "basically_satisfied", "unsatisfied"]
    reason: Reason | None = None


class ReviewRequestIn(CitizenProof):
    reason: Reason


class CitizenActionOut(BaseModel):
    number: str
    state: CaseState
    state_label: str
    message: str
    urge_count: int | None = None
    review_available: bool = False
    review_request_by: date | None = None
    recheck_available: bool = False
    recheck_request_by: date | None = None
