"""Conversation figures for staff (会话统计): containment, hand-offs, fallbacks, intents.

Fed by the events consumer (``python -m casestore.analytics.events_consumer``)
from Rasa's event broker. The figures are city-wide aggregates without personal
data (a conversation is not tied to a unit before a case is registered), so
every signed-in staff member may read them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from casestore.analytics.conversation_stats import ConversationStatsOut, conversation_stats
from casestore.auth.dependencies import current_staff
from casestore.cases.lifecycle import Actor
from casestore.cases.router import Services

router = APIRouter(prefix="/api/v1/staff/stats", tags=["analytics"])


@router.get("/conversations", response_model=ConversationStatsOut)
def get_conversation_stats(
    services: Services,
    actor: Annotated[Actor, Depends(current_staff)],
    days: Annotated[int, Query(ge=1, le=366, description="统计天数（含截止日）")] = 30,
    until: Annotated[date | None, Query(description="截止日期，默认今天")] = None,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
) -> ConversationStatsOut:
    """Conversations per day and channel, 自助办结率, 转人工率, 未理解率, top intents."""
    end = until or services.context().today
    with services.sessions() as session:
        return conversation_stats(session, end - timedelta(days=days - 1), end, top)
