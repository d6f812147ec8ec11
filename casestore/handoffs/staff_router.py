"""The staff console's live conversations (会话): queue, takeover, messages, hand-back.

Both streams are server-sent events read from shared state (the database for
the queue, Rasa's tracker store for a conversation), so any number of case
store and Rasa instances can serve them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from casestore.auth.dependencies import current_staff
from casestore.cases.lifecycle import Actor
from casestore.cases.router import Services
from casestore.core.errors import DomainError
from casestore.handoffs import schemas, service, takeover
from casestore.handoffs.rasa_client import RasaClient

router = APIRouter(prefix="/api/v1/staff/handoffs", tags=["staff console"])
Staff = Annotated[Actor, Depends(current_staff)]

QUEUE_POLL_S = 0.5
CONVERSATION_POLL_S = 0.1
KEEPALIVE_S = 15.0
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def get_rasa(request: Request) -> RasaClient:
    rasa: RasaClient = request.app.state.rasa
    return rasa


Rasa = Annotated[RasaClient, Depends(get_rasa)]


def _frame(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False, default=str)}\n\n"


@router.get("", response_model=schemas.HandoffList)
def queue(services: Services, actor: Staff) -> schemas.HandoffList:
    """待接管会话, longest waiting first."""
    return service.list_handoffs(services, True, 100, 0)


@router.get("/stream")
async def queue_stream(request: Request, services: Services, actor: Staff) -> StreamingResponse:
    """The queue as server-sent events: a snapshot whenever it changes."""

    async def frames() -> AsyncIterator[str]:
        last, idle = "", 0.0
        while not await request.is_disconnected():
            result = await asyncio.to_thread(service.list_handoffs, services, True, 100, 0)
            key = json.dumps(
                [item.model_dump(exclude={"waiting_seconds"}) for item in result.items],
                default=str,
            )
            if key != last:
                last, idle = key, 0.0
                yield _frame({"type": "queue", **result.model_dump(mode="json")})
            elif idle >= KEEPALIVE_S:
                idle = 0.0
                yield ": keepalive\n\n"
            await asyncio.sleep(QUEUE_POLL_S)
            idle += QUEUE_POLL_S

    return StreamingResponse(frames(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.get("/{handoff_id}", response_model=schemas.HandoffDetail)
async def conversation(
    handoff_id: int, services: Services, rasa: Rasa, actor: Staff
) -> schemas.HandoffDetail:
    """Transcript, collected slots and the case draft of one conversation."""
    return await takeover.detail(services, rasa, handoff_id)


@router.get("/{handoff_id}/stream")
async def conversation_stream(
    handoff_id: int, request: Request, services: Services, rasa: Rasa, actor: Staff
) -> StreamingResponse:
    """New messages of one conversation (and changes of who holds it), as they happen."""
    first = await takeover.detail(services, rasa, handoff_id)

    async def frames() -> AsyncIterator[str]:
        seen = len(first.transcript)
        state = first.handoff.model_dump_json(exclude={"waiting_seconds"})
        yield _frame({"type": "hello", "messages": seen})
        idle, tick = 0.0, 0
        while not await request.is_disconnected():
            await asyncio.sleep(CONVERSATION_POLL_S)
            idle += CONVERSATION_POLL_S
            tick += 1
            try:
                events = (await rasa.tracker(first.handoff.conversation_id)).get("events") or []
            except DomainError:
                continue
            lines = takeover.transcript(events)
            for line in lines[seen:]:
                idle = 0.0
                yield _frame({"type": "message", **line.model_dump(mode="json")})
            seen = max(seen, len(lines))
            if tick % 5 == 0:
                current = await asyncio.to_thread(takeover.get_handoff, services, handoff_id)
                now = current.model_dump_json(exclude={"waiting_seconds"})
                if now != state:
                    state, idle = now, 0.0
                    yield _frame({"type": "handoff", **current.model_dump(mode="json")})
            if idle >= KEEPALIVE_S:
                idle = 0.0
                yield ": keepalive\n\n"

    return StreamingResponse(frames(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/{handoff_id}/claim", response_model=schemas.HandoffOut)
async def claim(
    handoff_id: int, services: Services, rasa: Rasa, actor: Staff
) -> schemas.HandoffOut:
    """接管: one staff member at a time; 409 names who holds it."""
    return await takeover.claim(services, rasa, handoff_id, actor)


@router.post("/{handoff_id}/messages", status_code=202)
async def send_message(
    handoff_id: int, body: schemas.StaffMessageIn, services: Services, rasa: Rasa, actor: Staff
) -> dict[str, str]:
    """A message to the citizen's chat (only by the holder)."""
    await takeover.send_message(services, rasa, handoff_id, actor, body.text)
    return {"status": "sent"}


@router.post("/{handoff_id}/release", response_model=schemas.HandoffOut)
async def release(
    handoff_id: int, services: Services, rasa: Rasa, actor: Staff
) -> schemas.HandoffOut:
    """交还: the bot resumes where it was."""
    return await takeover.hand_back(services, rasa, handoff_id, actor)


@router.post("/{handoff_id}/close", response_model=schemas.HandoffOut)
async def close(handoff_id: int, services: Services, actor: Staff) -> schemas.HandoffOut:
    """结束 a queue entry nobody needs to take (the citizen left, the call ended)."""
    return await takeover.close_unheld(services, handoff_id, actor)


@router.post("/{handoff_id}/case", response_model=schemas.HandoffCaseOut, status_code=201)
async def register(
    handoff_id: int, body: schemas.HandoffCaseIn, services: Services, rasa: Rasa, actor: Staff
) -> schemas.HandoffCaseOut:
    """转为案件: the edited draft becomes a case; the citizen gets the receipt in chat."""
    return await takeover.register_from_conversation(services, rasa, handoff_id, actor, body)
