"""Conversation figures (会话统计) over the conversations the events consumer stored.

A conversation is one Rasa session of one citizen with at least one message,
counted on the local day (``CASE_TIMEZONE``) it started:

- 自助办结率 (containment): conversations in which a case was submitted and no
  person took part (no 转人工, call transfer or staff takeover), ÷ conversations;
- 转人工率 (hand-off rate): conversations with a hand-off ÷ conversations;
- 未理解率 (fallback rate): fallback turns ÷ citizen messages, and the share of
  conversations with at least one;
- average citizen messages per conversation, median duration (first to last
  kept event), conversations per day and channel;
- top intents: citizen messages of the period by intent (by the message's local day).
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from casestore.analytics.conversation_models import ConversationIntentDay, ConversationRecord

CHANNEL_LABELS = {"web_chat": "网页对话", "hotline": "12345热线"}


class DayRow(BaseModel):
    day: date
    conversations: int
    by_channel: dict[str, int]


class ChannelRow(BaseModel):
    channel: str
    label: str
    conversations: int
    registered: int
    contained: int
    handoffs: int
    containment_rate: float | None
    handoff_rate: float | None


class IntentRow(BaseModel):
    intent: str
    messages: int
    share: float
    average_confidence: float | None


class ConversationStatsOut(BaseModel):
    since: date
    until: date
    conversations: int
    messages: int  # citizen messages (user turns)
    registered: int  # conversations in which a case was submitted
    contained: int
    handoffs: int
    takeovers: int
    fallback_turns: int
    conversations_with_fallback: int
    containment_rate: float | None
    handoff_rate: float | None
    fallback_rate: float | None
    fallback_conversation_rate: float | None
    average_turns: float | None
    median_duration_seconds: float | None
    per_day: list[DayRow]
    channels: list[ChannelRow]
    top_intents: list[IntentRow]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def conversation_stats(
    session: Session, since: date, until: date, top: int = 10
) -> ConversationStatsOut:
    """Every figure of the period [since, until] (local days), in three queries."""
    conv = ConversationRecord
    period = and_(conv.local_day >= since, conv.local_day <= until, conv.user_turns > 0)

    def count(condition: ColumnElement[bool] | QueryableAttribute[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    grouped = session.execute(
        select(
            conv.local_day,
            conv.channel,
            func.count(),
            func.coalesce(func.sum(conv.user_turns), 0),
            func.coalesce(func.sum(conv.fallbacks), 0),
            count(conv.fallbacks > 0),
            count(conv.submitted),
            count(and_(conv.submitted, not_(conv.handoff))),
            count(conv.handoff),
            count(conv.takeover),
        )
        .where(period)
        .group_by(conv.local_day, conv.channel)
    ).all()
    days = [since + timedelta(days=i) for i in range((until - since).days + 1)]
    per_day = {day: DayRow(day=day, conversations=0, by_channel={}) for day in days}
    channels: dict[str, list[int]] = {}
    totals = [0] * 8
    for day, channel, *figures in grouped:
        values = [int(v or 0) for v in figures]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        name = channel or "unknown"
        row = per_day.get(_as_date(day))
        if row is not None:
            row.conversations += values[0]
            row.by_channel[name] = row.by_channel.get(name, 0) + values[0]
        channel_totals = channels.setdefault(name, [0] * 8)
        channels[name] = [a + b for a, b in zip(channel_totals, values, strict=True)]
    n, turns, fallbacks, with_fallback, registered, contained, handoffs, takeovers = totals

    median: float | None = None
    if n:
        middle = session.scalars(
            select(conv.duration_s)
            .where(period)
            .order_by(conv.duration_s)
            .offset((n - 1) // 2)
            .limit(2 if n % 2 == 0 else 1)
        ).all()
        median = round(sum(middle) / len(middle), 1) if middle else None

    daily = ConversationIntentDay
    intents = session.execute(
        select(
            daily.intent,
            func.sum(daily.messages),
            func.sum(daily.confidence_sum) / func.nullif(func.sum(daily.confidence_count), 0),
        )
        .where(daily.local_day >= since, daily.local_day <= until)
        .group_by(daily.intent)
    ).all()
    messages_by_intent = sum(int(c) for _, c, _ in intents)
    top_intents = [
        IntentRow(
            intent=name or "(none)",
            messages=int(c),
            share=round(int(c) / messages_by_intent, 4),
            average_confidence=round(float(a), 3) if a is not None else None,
        )
        for name, c, a in sorted(intents, key=lambda r: (-int(r[1]), r[0]))[:top]
    ]
    return ConversationStatsOut(
        since=since,
        until=until,
        conversations=n,
        messages=turns,
        registered=registered,
        contained=contained,
        handoffs=handoffs,
        takeovers=takeovers,
        fallback_turns=fallbacks,
        conversations_with_fallback=with_fallback,
        containment_rate=_rate(contained, n),
        handoff_rate=_rate(handoffs, n),
        fallback_rate=_rate(fallbacks, turns),
        fallback_conversation_rate=_rate(with_fallback, n),
        average_turns=round(turns / n, 2) if n else None,
        median_duration_seconds=median,
        per_day=list(per_day.values()),
        channels=[
            ChannelRow(
                channel=name,
                label=CHANNEL_LABELS.get(name, name),
                conversations=v[0],
                registered=v[4],
                contained=v[5],
                handoffs=v[6],
                containment_rate=_rate(v[5], v[0]),
                handoff_rate=_rate(v[6], v[0]),
            )
            for name, v in sorted(channels.items(), key=lambda item: -item[1][0])
        ],
        top_intents=top_intents,
    )


__all__ = ["ConversationStatsOut", "conversation_stats"]
