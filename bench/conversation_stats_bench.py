"""Conversation figures (会话统计) on PostgreSQL with 1M stored events, and consumer throughput.

    PYTHONPATH=. .venv/svc/bin/python bench/conversation_stats_bench.py \
        [--events 1000000] [--span-days 90] [--runs 10] [--consumer 20000] [--keep] [--explain]

Creates the database ``xf_conversation_bench`` (dropped at the end unless --keep),
COPYs synthetic conversations (web chat and hotline, 1–8 citizen messages,
some registered, handed off or misunderstood) spread over ``--span-days``
until ``--events`` event rows exist, then measures p50/p95 of
``conversation_stats`` for 7, 30 and 90 days (the endpoint's work minus auth
and JSON). With ``--consumer N`` it also publishes N Rasa-shaped messages to a
throw-away RabbitMQ queue and times ``EventsConsumer`` draining them
(reduce, batch insert, recompute, ack), in events per second.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pika
import psycopg
from psycopg import sql
from sqlalchemy import text

from casestore.analytics.conversation_stats import conversation_stats
from casestore.analytics.events_consumer import ConsumerSettings, EventsConsumer
from casestore.core.db import make_engine, make_sessionmaker
from casestore.core.migrate import upgrade_head
from casestore.core.settings import Settings

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB = "xf_conversation_bench"
TZ = ZoneInfo("Asia/Shanghai")
INTENTS = ["file_complaint", "inform", "affirm", "query_case", "give_suggestion", "ask_policy"]


def _admin(statement: sql.Composed) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _copy(value: object) -> str:
    return "\\N" if value is None else str(value)


def synthetic(events: int, span_days: int, now: datetime, seed: int = 7) -> tuple[str, str, int]:
    """COPY text of conversations and their events (``events`` rows in all)."""
    rng = random.Random(seed)
    conv_out, event_out = io.StringIO(), io.StringIO()
    written = ident = 0
    start_s = (now - timedelta(days=span_days)).timestamp()
    span_s = span_days * 86400 - 7200
    while written < events:
        ident += 1
        sender = uuid.UUID(int=rng.getrandbits(128)).hex
        channel = "web_chat" if rng.random() < 0.7 else "hotline"
        t = int((start_s + rng.random() * span_s) * 1e6)
        rows: list[tuple[int, str, str, float | None, str | None]] = [
            (t, "session", "", None, None)
        ]
        turns = rng.randint(1, 8)
        fallbacks, handoff, submitted, paused = 0, False, False, False
        for turn in range(turns):
            t += rng.randint(5, 60) * 1_000_000
            if rng.random() < 0.08:
                rows.append((t, "user", "nlu_fallback", 0.4, channel))
                t += 200_000
                rows.append((t, "action", "action_handle_fallback", None, None))
                fallbacks += 1
                continue
            intent = INTENTS[0] if turn == 0 else rng.choice(INTENTS)
            rows.append((t, "user", intent, round(rng.uniform(0.5, 1.0), 3), channel))
            t += 200_000
            rows.append((t, "action", "complaint_form", None, None))
        outcome = rng.random()
        if outcome < 0.45:
            t += 300_000
            rows.append((t, "action", "action_submit_complaint", None, None))
            submitted = True
        elif outcome < 0.60:
            t += 300_000
            rows.append((t, "action", "action_handoff", None, None))
            handoff = True
            if channel == "hotline":
                t += 100_000
                rows.append((t, "transfer", "", None, None))
            elif rng.random() < 0.5:
                t += 30_000_000
                rows.append((t, "pause", "", None, None))
                paused = True
        sender_hash = sender[:32]
        for ts, kind, name, confidence, chan in rows:
            values = (ident, sender_hash, ts, kind, name, confidence, chan)
            event_out.write("\t".join(_copy(v) for v in values) + "\n")
        written += len(rows)
        first, last = rows[0][0], rows[-1][0]
        started = datetime.fromtimestamp(first / 1e6, UTC)
        conv_out.write(
            "\t".join(
                str(v)
                for v in (
                    ident,
                    sender_hash,
                    first,
                    channel,
                    started.replace(tzinfo=None).isoformat(),
                    datetime.fromtimestamp(last / 1e6, UTC).replace(tzinfo=None).isoformat(),
                    started.astimezone(TZ).date().isoformat(),
                    (last - first) / 1e6,
                    turns,
                    fallbacks,
                    submitted,
                    handoff,
                    paused,
                )
            )
            + "\n"
        )
    return conv_out.getvalue(), event_out.getvalue(), written


def load(url: str, events: int, span_days: int) -> tuple[int, float]:
    engine = make_engine(url)
    upgrade_head(engine)
    engine.dispose()
    began = time.perf_counter()
    conversations, event_rows, written = synthetic(events, span_days, datetime.now(UTC))
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain) as conn:
        with conn.cursor().copy(
            "COPY conversations (id, sender_hash, session_start_us, channel, started_at,"
            " ended_at, local_day, duration_s, user_turns, fallbacks, submitted, handoff,"
            " takeover) FROM STDIN"
        ) as copy:
            copy.write(conversations)
        with conn.cursor().copy(
            "COPY conversation_events (conversation_id, sender_hash, ts_us, kind, name,"
            " confidence, channel) FROM STDIN"
        ) as copy:
            copy.write(event_rows)
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('conversations', 'id'), max(id)) "
            "FROM conversations"
        )
        # What the consumer's batches add up to: citizen messages per local day and intent.
        conn.execute(
            "INSERT INTO conversation_intent_days SELECT"
            " (to_timestamp(ts_us / 1e6) AT TIME ZONE 'Asia/Shanghai')::date, name, count(*),"
            " coalesce(sum(confidence), 0), count(confidence)"
            " FROM conversation_events WHERE kind = 'user' GROUP BY 1, 2"
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE conversations")
        conn.execute("VACUUM ANALYZE conversation_events")
        conn.execute("VACUUM ANALYZE conversation_intent_days")
    return written, time.perf_counter() - began


def measure(url: str, runs: int, explain: bool) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    today = datetime.now(TZ).date()
    try:
        for days in (7, 30, 90):
            since = today - timedelta(days=days - 1)
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                with sessions() as session:
                    stats = conversation_stats(session, since, today)
                times.append((time.perf_counter() - began) * 1000)
            print(
                f"  {days:>2} days: {stats.conversations:>7} conversations, "
                f"{stats.messages:>7} messages — p50 {statistics.median(times):6.1f} ms, "
                f"p95 {_pct(times, 95):6.1f} ms"
            )
        if explain:
            with engine.connect() as conn:
                for statement in (
                    "SELECT local_day, channel, count(*) FROM conversations "
                    "WHERE local_day >= :since AND local_day <= :until AND user_turns > 0 "
                    "GROUP BY local_day, channel",
                    "SELECT intent, sum(messages) FROM conversation_intent_days "
                    "WHERE local_day >= :since AND local_day <= :until GROUP BY intent",
                ):
                    plan = conn.execute(
                        text("EXPLAIN (ANALYZE, BUFFERS) " + statement),
                        {
                            "since": today - timedelta(days=29),
                            "until": today,
                        },
                    )
                    print("\n".join(row[0] for row in plan))
    finally:
        engine.dispose()


def consumer_throughput(url: str, count: int) -> None:
    """Publish ``count`` Rasa-shaped messages, drain them with the real consumer."""
    queue = f"xf_bench_events_{uuid.uuid4().hex[:8]}"
    params = pika.ConnectionParameters(
        "127.0.0.1", credentials=pika.PlainCredentials("guest", "guest")
    )
    rng = random.Random(3)
    now = time.time() - 3600
    bodies: list[bytes] = []
    while len(bodies) < count:
        sender = uuid.uuid4().hex
        t = now + rng.random() * 3000
        script: list[dict[str, object]] = [
            {"event": "action", "name": "action_session_start"},
            {"event": "session_started"},
            {"event": "action", "name": "action_listen"},
        ]
        for _ in range(rng.randint(2, 6)):
            script += [
                {
                    "event": "user",
                    "text": "我要投诉，小区门口的路灯坏了",
                    "parse_data": {
                        "intent": {"name": rng.choice(INTENTS), "confidence": 0.9},
                        "entities": [],
                    },
                    "input_channel": "socketio",
                },
                {"event": "action", "name": "complaint_form"},
                {"event": "slot", "name": "description", "value": "路灯坏了"},
                {"event": "bot", "text": "请问在哪个区？", "data": {}},
                {"event": "action", "name": "action_listen"},
            ]
        for event in script:
            t += 0.01
            bodies.append(json.dumps({"sender_id": sender, "timestamp": t, **event}).encode())
    with pika.BlockingConnection(params) as connection:
        channel = connection.channel()
        channel.queue_declare(queue, durable=True)
        for body in bodies[:count]:
            channel.basic_publish("", queue, body, pika.BasicProperties(delivery_mode=2))
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    config = ConsumerSettings(_env_file=None, rabbitmq_queue=queue)  # type: ignore[call-arg]
    consumer = EventsConsumer(settings, config)
    began = time.perf_counter()
    consumer.run(idle_exit=1.0)
    seconds = time.perf_counter() - began - 1.0
    with pika.BlockingConnection(params) as connection:
        connection.channel().queue_delete(queue)
    status = consumer.status
    print(
        f"  consumer: {status.received} messages ({status.stored} rows kept, "
        f"{status.skipped} not kept) in {seconds:.1f} s = {status.received / seconds:.0f} msg/s, "
        f"{status.batches} batches"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--span-days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--consumer", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
    try:
        written, seconds = load(url, args.events, args.span_days)
        print(f"loaded {written} events over {args.span_days} days in {seconds:.0f} s")
        measure(url, args.runs, args.explain)
        if args.consumer:
            consumer_throughput(url, args.consumer)
    finally:
        if not args.keep:
            _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
