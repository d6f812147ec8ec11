"""The events consumer: Rasa broker events → conversation analytics, on the real RabbitMQ.

Rasa-shaped messages (``rasa_events_sample.json``, made by Rasa 3.6's own event
classes) are published to a queue of their own per test on the RabbitMQ at
127.0.0.1:5672; the consumer stores them in SQLite and PostgreSQL; the staff
endpoint reads the figures. Also: redelivery and duplicates count once, poison
messages go to ``<queue>.rejected``, outages of RabbitMQ or the database lose
nothing, and no personal data is stored.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pika
import pika.exceptions
import pytest
from pika.adapters.blocking_connection import BlockingChannel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

import casestore.analytics.events_consumer as consumer_module
from casestore.analytics.conversation_events import (
    PoisonMessage,
    SenderHasher,
    reduce_event,
    store_batch,
)
from casestore.analytics.conversation_models import (
    ConversationEvent,
    ConversationIntentDay,
    ConversationRecord,
)
from casestore.analytics.events_consumer import ConsumerSettings, EventsConsumer, serve_health
from casestore.core.db import make_engine, make_sessionmaker
from casestore.core.migrate import upgrade_head
from casestore.core.settings import Settings
from tests.casestore.casestore_support import CITY, MakeClient, staff_headers

SAMPLE = json.loads(Path(__file__).with_name("rasa_events_sample.json").read_text("utf-8"))
RABBITMQ = pika.ConnectionParameters(
    "127.0.0.1", 5672, credentials=pika.PlainCredentials("guest", "guest"), socket_timeout=5
)
# What citizens said and who they are: none of it may reach the database.
PERSONAL = ["13812345678", "张三", "工地", "XF202611260001", "asdf", "+86"]


def sample_messages(shift_to: float | None = None) -> list[list[bytes]]:
    """The sample's messages per conversation, timestamps moved so the last is ``shift_to``."""
    conversations = [[json.loads(m) for m in c["messages"]] for c in SAMPLE["conversations"]]
    last = max(e["timestamp"] for c in conversations for e in c)
    offset = 0.0 if shift_to is None else shift_to - last
    out = []
    for events in conversations:
        for event in events:
            event["timestamp"] = round(event["timestamp"] + offset, 6)
        out.append([json.dumps(e).encode("utf-8") for e in events])
    return out


def all_messages(shift_to: float | None = None) -> list[bytes]:
    return [m for conversation in sample_messages(shift_to) for m in conversation]


@pytest.fixture
def queue() -> Iterator[str]:
    """A durable queue of this test only (declared as Rasa declares it), deleted after."""
    name = f"xf_test_events_{uuid.uuid4().hex[:10]}"
    with pika.BlockingConnection(RABBITMQ) as connection:
        connection.channel().queue_declare(name, durable=True)
    yield name
    with pika.BlockingConnection(RABBITMQ) as connection:
        channel = connection.channel()
        channel.queue_delete(name)
        channel.queue_delete(f"{name}.rejected")


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """For tests where the database engine does not matter."""
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'cs.db'}")  # type: ignore[call-arg]


def publish(queue: str, bodies: list[bytes]) -> None:
    with pika.BlockingConnection(RABBITMQ) as connection:
        channel = connection.channel()
        channel.confirm_delivery()
        for body in bodies:
            channel.basic_publish(
                "", queue, body, pika.BasicProperties(delivery_mode=2), mandatory=True
            )


def queue_length(name: str) -> int:
    with pika.BlockingConnection(RABBITMQ) as connection:
        return int(connection.channel().queue_declare(name, passive=True).method.message_count)


def consumer_for(settings: Settings, queue: str, **overrides: Any) -> EventsConsumer:
    values: dict[str, Any] = {
        "rabbitmq_queue": queue,
        "events_batch_size": 7,
        "events_flush_seconds": 0.2,
        "events_backoff_max_seconds": 0.2,
    }
    values.update(overrides)
    config = ConsumerSettings(_env_file=None, **values)  # type: ignore[call-arg]
    return EventsConsumer(settings, config)


def drain(settings: Settings, queue: str, **overrides: Any) -> EventsConsumer:
    consumer = consumer_for(settings, queue, **overrides)
    consumer.run(idle_exit=0.6)
    assert consumer.engine is not None
    consumer.engine.dispose()
    return consumer


def rows(settings: Settings) -> tuple[list[ConversationRecord], list[ConversationEvent]]:
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            conversations = list(
                session.scalars(select(ConversationRecord).order_by(ConversationRecord.started_at))
            )
            events = list(session.scalars(select(ConversationEvent)))
            return conversations, events
    finally:
        engine.dispose()


def intent_messages(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            return int(session.scalar(select(func.sum(ConversationIntentDay.messages))) or 0)
    finally:
        engine.dispose()


def figures(conversations: list[ConversationRecord]) -> list[tuple[Any, ...]]:
    return sorted(
        (c.channel, c.user_turns, c.submitted, c.handoff, c.fallbacks)
        for c in conversations
        if c.user_turns
    )


EXPECTED = sorted(
    (e["channel"], e["user_turns"], e["submitted"], e["handoff"], e["fallbacks"])
    for e in (c["expect"] for c in SAMPLE["conversations"])
)


def test_rasa_events_become_conversations_and_staff_figures(
    settings: Settings, queue: str, make_client: MakeClient
) -> None:
    publish(queue, all_messages(shift_to=time.time() - 60))
    consumer = drain(settings, queue)

    assert queue_length(queue) == 0, "every message acknowledged"
    assert consumer.status.rejected == 0
    conversations, events = rows(settings)
    assert figures(conversations) == EXPECTED
    assert consumer.status.stored == len(events) > 0
    assert consumer.status.skipped > 0, "slots and bot texts are not kept"
    # No personal data: no sender id, no text, no slot or entity value, anywhere.
    senders = {c["sender_id"] for c in SAMPLE["conversations"]}
    stored = [
        str(value)
        for row in [*conversations, *events]
        for value in vars(row).values()
        if isinstance(value, str)
    ]
    for value in stored:
        assert not any(secret in value for secret in [*PERSONAL, *senders]), value

    client = make_client()
    headers = staff_headers(client, "conv.analyst", "supervisor", CITY)
    response = client.get("/api/v1/staff/stats/conversations?days=2", headers=headers)
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["conversations"] == 4
    assert stats["messages"] == 8
    assert (stats["registered"], stats["contained"], stats["handoffs"]) == (1, 1, 2)
    assert stats["takeovers"] == 1
    assert stats["containment_rate"] == 0.25
    assert stats["handoff_rate"] == 0.5
    assert stats["fallback_turns"] == 2 and stats["fallback_rate"] == 0.25
    assert stats["fallback_conversation_rate"] == 0.25
    assert stats["average_turns"] == 2.0
    durations = sorted(c.duration_s for c in conversations if c.user_turns)
    assert stats["median_duration_seconds"] == pytest.approx(
        (durations[1] + durations[2]) / 2, abs=0.1
    )
    assert sum(day["conversations"] for day in stats["per_day"]) == 4
    channels = {row["channel"]: row for row in stats["channels"]}
    assert channels["web_chat"]["conversations"] == 3
    assert channels["hotline"]["handoffs"] == 1 and channels["hotline"]["label"] == "12345热线"
    top = [(row["intent"], row["messages"]) for row in stats["top_intents"][:2]]
    assert sorted(top) == [("file_complaint", 2), ("nlu_fallback", 2)]

    assert client.get("/api/v1/staff/stats/conversations").status_code == 401
    assert (
        client.get("/api/v1/staff/stats/conversations?days=0", headers=headers).status_code == 422
    )


def test_redelivered_and_duplicated_events_count_once(
    settings: Settings, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = all_messages(shift_to=time.time() - 60)
    publish(queue, messages)
    # The connection breaks after the first commit, before its acknowledgement:
    # RabbitMQ redelivers that batch, which is stored already.
    real_ack = BlockingChannel.basic_ack
    failures = []

    def ack_once_failing(self: BlockingChannel, *args: Any, **kwargs: Any) -> None:
        if not failures:
            failures.append(1)
            raise pika.exceptions.AMQPConnectionError("connection lost before the ack")
        real_ack(self, *args, **kwargs)

    monkeypatch.setattr(BlockingChannel, "basic_ack", ack_once_failing)
    consumer = drain(settings, queue)
    assert consumer.status.redelivered >= 1 and consumer.status.reconnects == 1
    assert consumer.status.duplicates >= 1
    first_conversations, first_events = rows(settings)
    assert figures(first_conversations) == EXPECTED

    publish(queue, messages)  # Rasa (or anyone) publishes the same events again
    again = drain(settings, queue)
    assert again.status.stored == 0 and again.status.duplicates == len(first_events)
    conversations, events = rows(settings)
    assert len(events) == len(first_events)
    assert figures(conversations) == EXPECTED
    assert queue_length(queue) == 0
    assert intent_messages(settings) == 8, "per-day intent counts: each message once"


def test_poison_messages_go_to_the_rejected_queue_once(settings: Settings, queue: str) -> None:
    good = all_messages(shift_to=time.time() - 60)
    poison = [
        b"not json at all",
        b"[1, 2, 3]",
        json.dumps({"sender_id": "x", "event": "no_such_event", "timestamp": time.time()}).encode(),
        json.dumps({"event": "user", "timestamp": time.time()}).encode(),  # no sender
        b"\xff\xfe",
    ]
    publish(queue, [*good[:5], *poison, *good[5:]])
    consumer = drain(settings, queue)

    assert consumer.status.rejected == len(poison)
    assert queue_length(queue) == 0, "poison is not retried forever"
    assert queue_length(f"{queue}.rejected") == len(poison), "nor lost"
    with pika.BlockingConnection(RABBITMQ) as connection:
        channel = connection.channel()
        method, properties, body = channel.basic_get(f"{queue}.rejected", auto_ack=False)
        assert method is not None and body == poison[0]
        assert properties.headers["x-rejected-reason"] == "not JSON"
        assert properties.headers["x-from-queue"] == queue
    conversations, _ = rows(settings)
    assert figures(conversations) == EXPECTED, "the good events around them are kept"


def test_an_event_the_database_refuses_alone_is_rejected_not_retried(
    sqlite_settings: Settings, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(queue, all_messages(shift_to=time.time() - 60))
    real_store = consumer_module.store_batch

    def refusing_transfers(session: Any, events: list[Any], tz: Any) -> Any:
        if any(e.kind == "transfer" for e in events):
            raise IntegrityError("INSERT", {}, Exception("value refused"))
        return real_store(session, events, tz)

    monkeypatch.setattr(consumer_module, "store_batch", refusing_transfers)
    consumer = drain(sqlite_settings, queue)
    assert consumer.status.rejected == 1 and queue_length(f"{queue}.rejected") == 1
    assert queue_length(queue) == 0
    conversations, events = rows(sqlite_settings)
    assert len(events) == consumer.status.stored
    assert len([c for c in conversations if c.user_turns]) == 4


def test_database_outage_loses_nothing(
    settings: Settings, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(queue, all_messages(shift_to=time.time() - 60))
    calls = []
    real_store = consumer_module.store_batch

    def failing_twice(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) <= 2:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real_store(*args, **kwargs)

    monkeypatch.setattr(consumer_module, "store_batch", failing_twice)
    consumer = drain(settings, queue)
    assert consumer.status.reconnects == 2 and consumer.status.last_error == (
        "database: OperationalError"
    )
    assert consumer.status.redelivered >= 1
    conversations, _ = rows(settings)
    assert figures(conversations) == EXPECTED
    assert queue_length(queue) == 0
    assert intent_messages(settings) == 8


def test_unreachable_database_at_start_waits_and_keeps_the_queue(
    sqlite_settings: Settings, queue: str
) -> None:
    publish(queue, all_messages()[:3])
    unreachable = sqlite_settings.model_copy(
        update={"database_url": "postgresql+psycopg://postgres@127.0.0.1:1/xf"}
    )
    consumer = consumer_for(unreachable, queue)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    time.sleep(1.0)
    consumer.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert consumer.status.reconnects >= 2 and not consumer.status.database_ok
    assert queue_length(queue) == 3


def test_health_endpoint_follows_the_connection(sqlite_settings: Settings, queue: str) -> None:
    settings = sqlite_settings
    down = consumer_for(settings, queue, rabbitmq_port=1)  # nothing listens there
    server = serve_health(lambda: down.status, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.server_address[1]}/health"
    thread = threading.Thread(target=down.run, daemon=True)
    thread.start()
    try:
        time.sleep(1.0)
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(url, timeout=5)
        assert error.value.code == 503
        body = json.loads(error.value.read())
        assert body["healthy"] is False and body["reconnects"] >= 2
        assert body["last_error"].startswith("RabbitMQ")
    finally:
        down.stop()
        thread.join(timeout=10)
        server.shutdown()

    up = consumer_for(settings, queue)
    server = serve_health(lambda: up.status, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.server_address[1]}/health"
    thread = threading.Thread(target=up.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert json.loads(response.read())["healthy"] is True
                    break
            except urllib.error.HTTPError:
                assert time.monotonic() < deadline, "never healthy"
                time.sleep(0.2)
    finally:
        up.stop()
        thread.join(timeout=10)
        server.shutdown()
    assert not thread.is_alive()


def test_events_in_any_order_give_the_same_conversations(settings: Settings) -> None:
    """Late session starts and shuffled batches: the figures do not depend on the order."""
    engine = make_engine(settings.database_url)
    try:
        upgrade_head(engine)
        hasher = SenderHasher("k")
        events = [e for m in all_messages() if (e := reduce_event(m, hasher)) is not None]
        random.Random(7).shuffle(events)
        sessions = make_sessionmaker(engine)
        for start in range(0, len(events), 5):
            with sessions() as session:
                store_batch(session, events[start : start + 5], settings.tz)
                session.commit()
        with sessions() as session:
            conversations = list(session.scalars(select(ConversationRecord)))
        assert figures(conversations) == EXPECTED
        assert all(c.session_start_us > 0 for c in conversations), "no orphan left"
    finally:
        engine.dispose()


def test_reduced_events_carry_no_personal_data() -> None:
    hasher = SenderHasher("k")
    messages = all_messages()
    reduced = [reduce_event(m, hasher) for m in messages]
    kept = [e for e in reduced if e is not None]
    assert {e.kind for e in kept} == {"user", "action", "session", "transfer", "pause", "resume"}
    assert not any(e.name in ("action_listen", "action_session_start") for e in kept)
    for event in kept:
        text = repr(event)
        assert not any(secret in text for secret in PERSONAL), text
        assert "call-" not in text and "0f3c9e1a" not in text
    # An intent "name" typed by a citizen ("/13812345678") is not stored as typed.
    typed = json.dumps(
        {
            "sender_id": "s",
            "event": "user",
            "timestamp": 1.78e9,
            "text": "/13812345678",
            "parse_data": {"intent": {"name": "13812345678", "confidence": 1.0}},
            "input_channel": "rest",
        }
    ).encode()
    event = reduce_event(typed, hasher)
    assert event is not None and event.name == "(other)" and event.channel == "rest"
    with pytest.raises(PoisonMessage):
        reduce_event(json.dumps({"sender_id": "s", "event": "user"}).encode(), hasher)
