"""The production event broker delivers every event, in order, to RabbitMQ."""

from __future__ import annotations

import asyncio
import json
import uuid

import aio_pika
import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.event_broker import PikaEventBroker

AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def rabbitmq_available() -> bool:
    async def probe() -> None:
        connection = await aio_pika.connect(AMQP, timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
        return True
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not rabbitmq_available(), reason="RabbitMQ on 5672 is needed")


async def drain(queue_name: str, expected: int, timeout: float = 20.0) -> list[dict]:
    connection = await aio_pika.connect(AMQP)
    received: list[dict] = []
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, durable=True)
        deadline = asyncio.get_running_loop().time() + timeout
        while len(received) < expected and asyncio.get_running_loop().time() < deadline:
            message = await queue.get(fail=False)
            if message is None:
                await asyncio.sleep(0.05)
                continue
            await message.ack()
            received.append(json.loads(message.body))
        await queue.delete(if_unused=False, if_empty=False)
        await channel.exchange_delete(queue_name)
    finally:
        await connection.close()
    return received


def test_endpoints_select_it_and_it_publishes_everything_in_order() -> None:
    queue_name = f"xf_test_{uuid.uuid4().hex[:8]}"

    async def scenario() -> list[dict]:
        config = EndpointConfig(
            type="bot.event_broker.PikaEventBroker",
            url="127.0.0.1",
            username="guest",
            password="guest",
            queues=[queue_name],
            # its own fanout exchange: Rasa's default one feeds every queue bound
            # to it, including a running system's `xinfang_events`
            exchange_name=queue_name,
        )
        broker = await EventBroker.create(config)
        assert type(broker) is PikaEventBroker  # not Rasa's silent "no broker"
        for turn in range(300):
            broker.publish({"sender_id": f"c{turn % 7}", "event": "user", "seq": turn})
        await broker.close()  # sends what is still queued first
        return await drain(queue_name, 300)

    received = asyncio.run(scenario())
    assert [event["seq"] for event in received] == list(range(300))
