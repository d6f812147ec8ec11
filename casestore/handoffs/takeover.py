"""人工接管: a staff member takes a conversation over, talks, registers it, hands it back.

The database decides who holds a conversation (one conditional UPDATE, so
two staff can never both win); Rasa holds the conversation itself: the
transcript is read from its tracker, the bot is paused and resumed with
`ConversationPaused`/`ConversationResumed`, and staff messages are bot
events appended with their side effects, so they reach the citizen through
the channel the citizen is using.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import CursorResult, select, update

from casestore.auth.models import StaffUser
from casestore.cases import schemas as case_schemas
from casestore.cases.constants import Channel, Purpose, Role
from casestore.cases.lifecycle import Actor
from casestore.cases.service import CaseServices, register_case
from casestore.core.errors import DomainError
from casestore.core.logging import get_logger
from casestore.handoffs import schemas
from casestore.handoffs.models import Handoff
from casestore.handoffs.rasa_client import RasaClient
from casestore.handoffs.service import OPEN_STATUSES, handoff_out

logger = get_logger(__name__)

TAKEOVER_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)
# what the bot collected for a complaint; reset once staff registered the case
COMPLAINT_SLOTS = (
    "description",
    "purpose",
    "district",
    "street",
    "community",
    "address",
    "occurred_time",
    "request_text",
    "anonymous",
    "person_name",
    "phone_number",
    "awaiting_confirmation",
    "validation_failures",
    "submission_key",
)
UNKNOWN_STREET = "不详"
GREETING = "您好，我是12345热线的工作人员，接下来由我为您服务。您说过的内容我都看到了。"


class HandoffNotFound(DomainError):
    status_code = 404
    detail = "没有找到这个转人工会话"


class AlreadyTaken(DomainError):
    status_code = 409
    detail = "该会话已由其他工作人员接管"


class NotHolder(DomainError):
    status_code = 409
    detail = "请先接管该会话"


class HandoffClosed(DomainError):
    status_code = 409
    detail = "该会话已经结束"


class InvalidDraft(DomainError):
    status_code = 422
    detail = "案件草稿填写有误，请检查后再提交"


class NotPermitted(DomainError):
    status_code = 403
    detail = "只有接线员、督办负责人或管理员可以接管会话"


def _check_role(actor: Actor) -> None:
    if actor.role not in TAKEOVER_ROLES:
        raise NotPermitted()


def _display_name(services: CaseServices, username: str) -> str:
    with services.sessions() as session:
        name = session.scalar(select(StaffUser.display_name).where(StaffUser.username == username))
    return name or username


def _load(services: CaseServices, handoff_id: int) -> Handoff:
    with services.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            raise HandoffNotFound()
        session.expunge(handoff)
        return handoff


def get_handoff(services: CaseServices, handoff_id: int) -> schemas.HandoffOut:
    return handoff_out(services, _load(services, handoff_id), services.clock())


def _claim(services: CaseServices, handoff_id: int, actor: Actor, name: str) -> bool:
    """Takes the hand-off if nobody holds it; True when this call took it."""
    now = services.clock()
    with services.sessions() as session:
        taken: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(Handoff)
            .where(
                Handoff.id == handoff_id,
                Handoff.holder.is_(None),
                Handoff.status.in_(OPEN_STATUSES),
            )
            .values(
                holder=actor.name,
                holder_name=name,
                claimed_at=now,
                status="connected",
                updated_at=now,
                version=Handoff.version + 1,
            )
        )
        session.commit()
        return bool(taken.rowcount)


def _unclaim(services: CaseServices, handoff_id: int, actor: Actor) -> None:
    with services.sessions() as session:
        session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.holder == actor.name)
            .values(holder=None, holder_name=None, claimed_at=None, status="waiting")
        )
        session.commit()


def _held_by(services: CaseServices, handoff_id: int, actor: Actor) -> Handoff:
    handoff = _load(services, handoff_id)
    if handoff.status not in OPEN_STATUSES:
        raise HandoffClosed()
    if handoff.holder != actor.name:
        if handoff.holder:
            raise AlreadyTaken(f"该会话已由{handoff.holder_name or handoff.holder}接管")
        raise NotHolder()
    return handoff


def _staff_message(text: str, staff_name: str, username: str) -> dict[str, Any]:
    return {
        "event": "bot",
        "text": text,
        "data": {"custom": {"staff": {"name": staff_name}}},
        "metadata": {"staff": username, "staff_name": staff_name},
    }


async def claim(
    services: CaseServices, rasa: RasaClient, handoff_id: int, actor: Actor
) -> schemas.HandoffOut:
    """接管: the bot goes quiet and the citizen is told a person is there."""
    _check_role(actor)
    name = await asyncio.to_thread(_display_name, services, actor.name)
    if not await asyncio.to_thread(_claim, services, handoff_id, actor, name):
        handoff = await asyncio.to_thread(_load, services, handoff_id)
        if handoff.holder == actor.name and handoff.status in OPEN_STATUSES:
            return handoff_out(services, handoff, services.clock())  # asked twice
        if handoff.status not in OPEN_STATUSES:
            raise HandoffClosed()
        raise AlreadyTaken(f"该会话已由{handoff.holder_name or handoff.holder}接管")
    handoff = await asyncio.to_thread(_load, services, handoff_id)
    if handoff.channel == "web_chat":
        try:
            await rasa.append(
                handoff.conversation_id,
                [{"event": "pause"}, _staff_message(GREETING, name, actor.name)],
            )
        except DomainError:
            await asyncio.to_thread(_unclaim, services, handoff_id, actor)
            raise
    logger.info("hand-off %s taken over by %s", handoff_id, actor.label)
    return handoff_out(services, handoff, services.clock())


async def send_message(
    services: CaseServices, rasa: RasaClient, handoff_id: int, actor: Actor, text: str
) -> None:
    """A staff message, delivered to the citizen's chat in real time."""
    text = text.strip()
    if not text:
        raise DomainError("消息不能为空")
    handoff = await asyncio.to_thread(_held_by, services, handoff_id, actor)
    if handoff.channel != "web_chat":
        raise DomainError("电话来电请直接在电话中与市民沟通")
    await rasa.append(
        handoff.conversation_id, [_staff_message(text, handoff.holder_name or "", actor.name)]
    )


def _close(services: CaseServices, handoff_id: int) -> Handoff:
    now = services.clock()
    with services.sessions() as session:
        handoff = session.get_one(Handoff, handoff_id)
        handoff.status = "closed"
        handoff.updated_at = now
        handoff.version += 1
        session.commit()
        session.expunge(handoff)
        return handoff


async def hand_back(
    services: CaseServices, rasa: RasaClient, handoff_id: int, actor: Actor
) -> schemas.HandoffOut:
    """交还: the bot resumes and continues where the form was."""
    handoff = await asyncio.to_thread(_load, services, handoff_id)
    if handoff.status not in OPEN_STATUSES:
        raise HandoffClosed()
    supervisor = actor.role in (Role.SUPERVISOR, Role.ADMIN)
    if handoff.holder != actor.name and not (supervisor and handoff.holder):
        raise NotHolder("只有接管人（或督办负责人）可以交还该会话")
    if handoff.channel == "web_chat":
        await rasa.append(handoff.conversation_id, [{"event": "resume"}])
        await rasa.execute(handoff.conversation_id, "action_handback")
        # the bot now waits for the citizen, as after any turn (rules expect a listen)
        await rasa.append(handoff.conversation_id, [{"event": "action", "name": "action_listen"}])
    closed = await asyncio.to_thread(_close, services, handoff_id)
    logger.info("hand-off %s handed back by %s", handoff_id, actor.label)
    return handoff_out(services, closed, services.clock())


async def close_unheld(services: CaseServices, handoff_id: int, actor: Actor) -> schemas.HandoffOut:
    """结束: a queue entry nobody needs to take any more (the citizen left, a call ended)."""
    _check_role(actor)
    handoff = await asyncio.to_thread(_load, services, handoff_id)
    if handoff.status not in OPEN_STATUSES:
        raise HandoffClosed()
    if handoff.holder and handoff.holder != actor.name:
        raise AlreadyTaken(f"该会话已由{handoff.holder_name or handoff.holder}接管")
    closed = await asyncio.to_thread(_close, services, handoff_id)
    return handoff_out(services, closed, services.clock())


# --- reading the conversation ------------------------------------------------------


def _at(timestamp: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(timestamp), UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)


def transcript(events: list[dict[str, Any]]) -> list[schemas.TranscriptLine]:
    """The citizen's, the bot's and staff's messages, in order."""
    lines = []
    for event in events:
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not isinstance(text, str) or not text.strip():
            continue
        if kind == "user":
            lines.append(schemas.TranscriptLine(who="user", text=text, at=_at(event["timestamp"])))
            continue
        staff = (event.get("metadata") or {}).get("staff_name")
        custom = ((event.get("data") or {}).get("custom") or {}).get("staff")
        if staff is None and isinstance(custom, dict):
            staff = custom.get("name")
        lines.append(
            schemas.TranscriptLine(
                who="staff" if staff is not None else "bot",
                text=text,
                at=_at(event.get("timestamp")),
                staff_name=staff,
            )
        )
    return lines


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def draft_from(
    slots: dict[str, Any], handoff: Handoff, events: list[dict[str, Any]]
) -> schemas.CaseDraft:
    """The case as far as the bot got: staff edit it instead of asking again."""
    description = _text(slots.get("description"))
    if description is None:  # the citizen never got into the form: their own words
        said = [e.get("text") for e in events if e.get("event") == "user" and _text(e.get("text"))]
        description = "\n".join(str(s) for s in said[-5:])
    street = _text(slots.get("street"))
    anonymous = slots.get("anonymous") is True
    purpose = _text(slots.get("purpose")) or "complaint"
    return schemas.CaseDraft(
        purpose=purpose if purpose in {p.value for p in Purpose} else "complaint",  # type: ignore[arg-type]
        description=description,
        request=_text(slots.get("request_text")),
        occurred_at_text=_text(slots.get("occurred_time")),
        district=_text(slots.get("district")),
        street=street if street != UNKNOWN_STREET else None,
        community=_text(slots.get("community")),
        address=_text(slots.get("address")),
        anonymous=anonymous,
        name=None if anonymous else _text(slots.get("person_name")),
        phone=None if anonymous else _text(slots.get("phone_number") or slots.get("caller_phone")),
        category=handoff.guess_category,
    )


SHOWN_SLOTS = COMPLAINT_SLOTS + ("caller_phone", "case_number", "requested_slot")


async def detail(
    services: CaseServices, rasa: RasaClient, handoff_id: int
) -> schemas.HandoffDetail:
    handoff = await asyncio.to_thread(_load, services, handoff_id)
    try:
        tracker = await rasa.tracker(handoff.conversation_id)
        available = True
    except DomainError:
        tracker, available = {}, False
    events = tracker.get("events") or []
    slots = tracker.get("slots") or {}
    return schemas.HandoffDetail(
        handoff=handoff_out(services, handoff, services.clock()),
        transcript=transcript(events),
        slots={k: slots.get(k) for k in SHOWN_SLOTS if slots.get(k) not in (None, "")},
        draft=draft_from(slots, handoff, events),
        paused=bool(tracker.get("paused")),
        transcript_available=available,
    )


# --- turning the conversation into a case --------------------------------------------


def _register(
    services: CaseServices, handoff: Handoff, body: schemas.HandoffCaseIn
) -> case_schemas.CaseCreated:
    try:
        data = _case_create(handoff, body)
    except ValidationError as error:
        message = str(error.errors()[0].get("msg", "")).removeprefix("Value error, ")
        raise InvalidDraft(message or None) from error
    created, _ = register_case(services, data)
    with services.sessions() as session:
        row = session.get_one(Handoff, handoff.id)
        row.case_number = created.number
        row.updated_at = services.clock()
        row.version += 1
        session.commit()
    return created


def _case_create(handoff: Handoff, body: schemas.HandoffCaseIn) -> case_schemas.CaseCreate:
    return case_schemas.CaseCreate(
        idempotency_key=f"handoff-{handoff.id}",
        channel=Channel(handoff.channel),
        purpose=Purpose(body.purpose),
        description=body.description,
        request=body.request,
        occurred_at_text=body.occurred_at_text,
        location=case_schemas.LocationIn(
            district=body.district,
            street=body.street,
            community=body.community,
            address=body.address,
        ),
        complainant=case_schemas.ComplainantIn(
            anonymous=body.anonymous,
            name=None if body.anonymous else body.name,
            phone=None if body.anonymous else body.phone,
        ),
        category=(
            case_schemas.CategoryIn(name=body.category, confidence=1.0) if body.category else None
        ),
        conversation_id=handoff.conversation_id,
    )


def receipt_text(created: case_schemas.CaseCreated) -> str:
    return (
        f"已为您登记，信访件编号 {created.number}，查询码 {created.query_code}。"
        f"{created.responsible_unit.name}将在{created.accept_by:%m月%d日}前受理。"
        "请记下编号和查询码，之后可以随时查询办理进度。"
    )


async def register_from_conversation(
    services: CaseServices,
    rasa: RasaClient,
    handoff_id: int,
    actor: Actor,
    body: schemas.HandoffCaseIn,
) -> schemas.HandoffCaseOut:
    """转为案件: registers the edited draft; in web chat the citizen gets the receipt."""
    _check_role(actor)
    handoff = await asyncio.to_thread(_held_by, services, handoff_id, actor)
    created = await asyncio.to_thread(_register, services, handoff, body)
    told = False
    if handoff.channel == "web_chat":
        reset = [
            {"event": "slot", "name": name, "value": None}
            for name in COMPLAINT_SLOTS
            if name != "purpose"
        ]
        try:
            await rasa.append(
                handoff.conversation_id,
                [
                    _staff_message(receipt_text(created), handoff.holder_name or "", actor.name),
                    {"event": "active_loop", "name": None},
                    {"event": "slot", "name": "requested_slot", "value": None},
                    *reset,
                    {"event": "slot", "name": "purpose", "value": "complaint"},
                ],
            )
            told = True
        except DomainError:
            logger.warning("case %s registered; the receipt could not be sent", created.number)
    logger.info("hand-off %s registered as %s by %s", handoff_id, created.number, actor.label)
    return schemas.HandoffCaseOut(
        handoff=await asyncio.to_thread(get_handoff, services, handoff_id),
        number=created.number,
        query_code=created.query_code,
        responsible_unit=created.responsible_unit.name,
        accept_by=created.accept_by.isoformat(),
        citizen_told=told,
    )
