"""Recording hand-offs: one open record per conversation, every report kept once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casestore.cases.service import CaseServices
from casestore.core.security import mask_phone
from casestore.handoffs import schemas
from casestore.handoffs.models import Handoff, HandoffEvent

OPEN_STATUSES = ("waiting", "transferring", "connected", "callback_needed")


def record_event(
    services: CaseServices, body: schemas.HandoffEventIn
) -> tuple[schemas.HandoffOut, bool]:
    """Applies a report; returns the hand-off and whether this event was new."""
    now = services.clock()
    with services.sessions() as session:
        seen = session.scalar(select(HandoffEvent).where(HandoffEvent.event_id == body.event_id))
        if seen is not None:
            return handoff_out(services, session.get_one(Handoff, seen.handoff_id), now), False
        handoff = _open_handoff(session, body.conversation_id)
        if handoff is None:
            handoff = Handoff(
                conversation_id=body.conversation_id,
                channel=body.channel,
                reason=body.reason,
                status=body.outcome,
                created_at=now,
                updated_at=now,
            )
            session.add(handoff)
        if handoff.holder is None or body.outcome != "waiting":
            handoff.status = body.outcome  # asking again never takes it from its holder
        handoff.updated_at = now
        if body.reason != "dropped_call" or handoff.reason is None:
            handoff.reason = body.reason
        handoff.reference = body.reference or handoff.reference
        handoff.transfer_target = body.transfer_target or handoff.transfer_target
        handoff.call_status = body.call_status or handoff.call_status
        handoff.partial = handoff.partial or body.partial
        if body.guess is not None:
            handoff.guess_intent = body.guess.intent or handoff.guess_intent
            handoff.guess_category = body.guess.category or handoff.guess_category
            handoff.guess_place = body.guess.place or handoff.guess_place
        if body.caller:
            handoff.caller_phone_enc = services.cipher.encrypt(body.caller)
            handoff.caller_phone_hash = services.hasher.phone_hash(body.caller)
        session.flush()
        session.add(
            HandoffEvent(
                handoff_id=handoff.id,
                event_id=body.event_id,
                reason=body.reason,
                outcome=body.outcome,
                call_status=body.call_status,
                occurred_at=body.occurred_at or now,
                recorded_at=now,
            )
        )
        session.commit()
        return handoff_out(services, handoff, now), True


def list_handoffs(
    services: CaseServices, open_only: bool, limit: int, offset: int
) -> schemas.HandoffList:
    """The queue, longest waiting first."""
    now = services.clock()
    query = select(Handoff)
    if open_only:
        query = query.where(Handoff.status.in_(OPEN_STATUSES))
    with services.sessions() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Handoff.created_at).limit(limit).offset(offset))
        return schemas.HandoffList(items=[handoff_out(services, h, now) for h in rows], total=total)


def _open_handoff(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATUSES))
        .order_by(Handoff.id.desc())
        .limit(1)
    )


def handoff_out(services: CaseServices, handoff: Handoff, now: datetime) -> schemas.HandoffOut:
    return schemas.HandoffOut(
        id=handoff.id,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        reason=handoff.reason,
        reason_label=schemas.REASON_LABELS.get(handoff.reason, handoff.reason),
        status=handoff.status,
        status_label=schemas.STATUS_LABELS.get(handoff.status, handoff.status),
        caller=mask_phone(services.cipher.decrypt(handoff.caller_phone_enc)),
        reference=handoff.reference,
        call_status=handoff.call_status,
        partial=handoff.partial,
        created_at=handoff.created_at,
        updated_at=handoff.updated_at,
        waiting_seconds=max(0, int((now - handoff.created_at).total_seconds())),
        holder=handoff.holder,
        holder_name=handoff.holder_name,
        claimed_at=handoff.claimed_at,
        case_number=handoff.case_number,
        guess_intent=handoff.guess_intent,
        guess_category=handoff.guess_category,
        guess_place=handoff.guess_place,
    )
