"""The events consumer on a real Rasa server's events.

A citizen files the README's complaint with the session's Rasa server; its
tracker's events are published to a throw-away RabbitMQ queue exactly as Rasa's
tracker store publishes them (``{"sender_id": …, **event.as_dict()}``, see
``rasa/core/tracker_store.py``), and the consumer turns them into one
registered, contained conversation — with no personal data stored.
(``test_production_storage.py`` checks that Rasa publishes to RabbitMQ itself.)
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pika
import pytest
from conversation_support import CASE_NUMBER, Citizen, file_example_complaint
from sqlalchemy import select

from casestore.analytics.conversation_models import ConversationEvent, ConversationRecord
from casestore.analytics.events_consumer import ConsumerSettings, EventsConsumer
from casestore.core.db import make_sessionmaker
from casestore.core.settings import Settings

RABBITMQ = pika.ConnectionParameters(
    "127.0.0.1", credentials=pika.PlainCredentials("guest", "guest")
)


@pytest.fixture
def queue() -> Iterator[str]:
    name = f"xf_test_events_{uuid.uuid4().hex[:10]}"
    yield name
    with pika.BlockingConnection(RABBITMQ) as connection:
        connection.channel().queue_delete(name)


def test_a_real_conversation_becomes_a_contained_conversation(
    stack, queue: str, tmp_path: Path
) -> None:
    citizen = Citizen(stack.rasa_url)
    assert CASE_NUMBER.search(file_example_complaint(citizen)), citizen.transcript
    tracker = httpx.get(
        f"{stack.rasa_url}/conversations/{citizen.sender}/tracker",
        params={"token": stack.rasa_token},
        timeout=30,
    ).json()
    with pika.BlockingConnection(RABBITMQ) as connection:
        channel = connection.channel()
        channel.queue_declare(queue, durable=True)
        for event in tracker["events"]:
            body = json.dumps({"sender_id": citizen.sender, **event})
            channel.basic_publish("", queue, body.encode(), pika.BasicProperties(delivery_mode=2))

    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'cs.db'}")  # type: ignore[call-arg]
    consumer = EventsConsumer(
        settings,
        ConsumerSettings(_env_file=None, rabbitmq_queue=queue, events_flush_seconds=0.2),  # type: ignore[call-arg]
    )
    consumer.run(idle_exit=1.0)
    assert consumer.status.rejected == 0 and consumer.status.received == len(tracker["events"])

    assert consumer.engine is not None
    with make_sessionmaker(consumer.engine)() as session:
        conversations = [c for c in session.scalars(select(ConversationRecord)) if c.user_turns]
        events = list(session.scalars(select(ConversationEvent)))
    consumer.engine.dispose()
    assert len(conversations) == 1, conversations
    conversation = conversations[0]
    assert conversation.user_turns == 5
    assert conversation.submitted and not conversation.handoff and conversation.fallbacks == 0
    assert conversation.channel == "rest"
    intents = [e.name for e in sorted(events, key=lambda e: e.ts_us) if e.kind == "user"]
    assert intents[0] == "file_complaint" and intents[-1] == "affirm", intents
    stored = " ".join(str(v) for row in [conversation, *events] for v in vars(row).values())
    for secret in (citizen.sender, "13800138000", "张三", "工地"):
        assert secret not in stored
