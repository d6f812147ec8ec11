"""Consumer of Rasa's event broker (会话事件消费): RabbitMQ queue → conversation analytics.

    python -m casestore.analytics.events_consumer

Reads the durable queue ``RABBITMQ_QUEUE`` (``xinfang_events``) that every Rasa
server of the production profile publishes to (``endpoints.prod.yml``), and
stores what the conversation figures need in the case store's database
(``DATABASE_URL``; migrations run at start, as in the case store).

- At least once, idempotent: messages are acknowledged only after the batch
  they belong to is committed; a redelivered event is stored once and the
  figures are recomputed from the stored events (``conversation_events.py``).
- Batches: up to ``EVENTS_BATCH_SIZE`` (500) messages or ``EVENTS_FLUSH_SECONDS``
  (1 s) per transaction.
- Poison messages (not JSON, not a Rasa event, or refused by the database on
  their own) go to the queue ``<queue>.rejected`` (declared when first needed,
  capped at ``EVENTS_REJECTED_MAX`` messages), are logged without their content
  and counted; they are never retried forever and never dropped silently.
- RabbitMQ or the database gone: the connection is closed (the broker puts
  every unacknowledged message back), and the consumer reconnects with
  exponential back-off (1 s … ``EVENTS_BACKOFF_MAX_SECONDS``). It never exits
  on such errors; SIGTERM/SIGINT stop it after the current batch.
- ``GET http://127.0.0.1:$EVENTS_CONSUMER_HEALTH_PORT/health``: 200 while it is
  connected to RabbitMQ and the database answers, else 503; counters in JSON.
"""

from __future__ import annotations

import json
import logging
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pika
import pika.exceptions
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from casestore.analytics.conversation_events import (
    PoisonMessage,
    ReducedEvent,
    SenderHasher,
    reduce_event,
    store_batch,
)
from casestore.core.db import make_engine, make_sessionmaker
from casestore.core.logging import get_logger
from casestore.core.migrate import upgrade_head
from casestore.core.settings import Settings

logger = get_logger("casestore.events_consumer")

AMQP_ERRORS = (pika.exceptions.AMQPError, OSError)


class ConsumerSettings(BaseSettings):
    """RabbitMQ and batching settings (same variables as ``endpoints.prod.yml``)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    rabbitmq_host: str = "127.0.0.1"
    rabbitmq_port: int = Field(default=5672, ge=1, le=65535)
    rabbitmq_user: str = "guest"
    rabbitmq_password: SecretStr = SecretStr("guest")
    rabbitmq_vhost: str = "/"
    rabbitmq_queue: str = "xinfang_events"
    # Where poison messages go; default "<queue>.rejected".
    rabbitmq_rejected_queue: str | None = None
    events_rejected_max: int = Field(default=10_000, ge=1)
    events_batch_size: int = Field(default=500, ge=1, le=10_000)
    events_flush_seconds: float = Field(default=1.0, gt=0, le=60)
    events_backoff_max_seconds: float = Field(default=30.0, ge=0.1, le=600)
    # 0: no health endpoint.
    events_consumer_health_port: int = Field(default=0, ge=0, le=65535)
    events_consumer_health_host: str = "127.0.0.1"

    @property
    def rejected_queue(self) -> str:
        return self.rabbitmq_rejected_queue or f"{self.rabbitmq_queue}.rejected"

    def connection_parameters(self) -> pika.ConnectionParameters:
        return pika.ConnectionParameters(
            host=self.rabbitmq_host,
            port=self.rabbitmq_port,
            virtual_host=self.rabbitmq_vhost,
            credentials=pika.PlainCredentials(
                self.rabbitmq_user, self.rabbitmq_password.get_secret_value()
            ),
            heartbeat=30,
            blocked_connection_timeout=60,
            connection_attempts=1,
            socket_timeout=5,
        )


class DatabaseUnavailable(RuntimeError):
    """The database did not answer; the batch stays unacknowledged."""


@dataclass
class ConsumerStatus:
    """Counters and state, as the health endpoint shows them."""

    connected: bool = False
    database_ok: bool = False
    received: int = 0
    redelivered: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0  # Rasa events analytics does not keep (slots, bot texts, …)
    rejected: int = 0  # poison messages moved to the rejected queue
    batches: int = 0
    reconnects: int = 0
    last_batch_at: str | None = None
    last_error: str | None = None

    @property
    def healthy(self) -> bool:
        return self.connected and self.database_ok


@dataclass
class _Delivery:
    tag: int
    body: bytes
    event: ReducedEvent | None = None
    poison: str | None = None


class Backoff:
    """Exponential back-off with jitter: 1, 2, 4, … seconds up to ``maximum``."""

    def __init__(self, maximum: float, first: float = 1.0) -> None:
        self.maximum, self.first, self.attempt = maximum, min(first, maximum), 0

    def next(self) -> float:
        delay = min(self.maximum, self.first * 2**self.attempt)
        self.attempt += 1
        return delay * random.uniform(0.8, 1.0)

    def reset(self) -> None:
        self.attempt = 0


@dataclass
class EventsConsumer:
    """Drains the queue into the database; ``run`` returns on ``stop()`` (or when idle)."""

    settings: Settings
    config: ConsumerSettings
    engine: Engine | None = None
    status: ConsumerStatus = field(default_factory=ConsumerStatus)

    def __post_init__(self) -> None:
        self.engine = self.engine or make_engine(self.settings.database_url)
        self._sessions: sessionmaker[Session] = make_sessionmaker(self.engine)
        self._hasher = SenderHasher(self.settings.casestore_hash_key.get_secret_value())
        self._stop = threading.Event()
        self._backoff = Backoff(self.config.events_backoff_max_seconds)
        self._migrated = False
        self._rejected_declared = False

    # ---- control ----------------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def run(self, idle_exit: float | None = None) -> None:
        """Consume until ``stop()``; with ``idle_exit``, also after that many idle seconds."""
        while not self._stop.is_set():
            try:
                self._prepare_database()
                if self._consume(idle_exit):
                    return
            except AMQP_ERRORS as exc:
                self._failed("RabbitMQ", exc)
            except DatabaseUnavailable as exc:
                self._failed("database", exc)
            except Exception as exc:  # last resort: log, back off, go on (no crash loop)
                logger.exception("events consumer error")
                self._failed("consumer", exc)
            self.status.connected = False
            self._stop.wait(self._backoff.next())

    def _failed(self, what: str, exc: BaseException) -> None:
        # DatabaseUnavailable carries the name of the database error that caused it.
        cause = str(exc) if isinstance(exc, DatabaseUnavailable) else type(exc).__name__
        self.status.reconnects += 1
        self.status.last_error = f"{what}: {cause}"
        logger.warning(
            "%s unavailable (%s); unacknowledged events go back to the queue, retrying",
            what,
            cause,
        )

    def _prepare_database(self) -> None:
        if self._migrated:
            return
        assert self.engine is not None
        try:
            upgrade_head(self.engine)
        except SQLAlchemyError as exc:
            self.status.database_ok = False
            raise DatabaseUnavailable(type(exc).__name__) from exc
        self._migrated = True
        self.status.database_ok = True

    # ---- consuming --------------------------------------------------------------

    def _consume(self, idle_exit: float | None) -> bool:
        """One connection's life; True when ``run`` should return (stopped or idle)."""
        config = self.config
        connection = pika.BlockingConnection(config.connection_parameters())
        try:
            channel = connection.channel()
            channel.confirm_delivery()  # rejected-queue publishes are confirmed
            # Exactly Rasa's declaration (rasa/core/brokers/pika.py): durable, no arguments.
            channel.queue_declare(config.rabbitmq_queue, durable=True)
            channel.basic_qos(prefetch_count=min(2 * config.events_batch_size, 65_535))
            self._rejected_declared = False
            self.status.connected = True
            logger.info("consuming %s on %s", config.rabbitmq_queue, config.rabbitmq_host)
            pending: list[_Delivery] = []
            oldest = idle_since = time.monotonic()
            for method, _properties, body in channel.consume(
                config.rabbitmq_queue, inactivity_timeout=config.events_flush_seconds
            ):
                now = time.monotonic()
                if method is not None:
                    if not pending:
                        oldest = now
                    pending.append(_Delivery(method.delivery_tag, body))
                    self.status.received += 1
                    self.status.redelivered += int(bool(method.redelivered))
                    idle_since = now
                full = len(pending) >= config.events_batch_size
                due = pending and (method is None or now - oldest >= config.events_flush_seconds)
                if full or due or (pending and self._stop.is_set()):
                    self._flush(channel, pending)
                    pending = []
                if self._stop.is_set():
                    return True
                if idle_exit is not None and not pending and now - idle_since >= idle_exit:
                    return True
            return False
        finally:
            self.status.connected = False
            if connection.is_open:
                try:
                    connection.close()  # unacknowledged messages go back to the queue
                except AMQP_ERRORS:
                    pass

    def _flush(self, channel: Any, batch: list[_Delivery]) -> None:
        """Store, move poison away, then acknowledge the whole batch at once."""
        for delivery in batch:
            try:
                delivery.event = reduce_event(delivery.body, self._hasher)
            except PoisonMessage as exc:
                delivery.poison = exc.reason
            except Exception as exc:  # a message this code cannot read must not block the queue
                logger.exception("could not read an event message")
                delivery.poison = f"unreadable ({type(exc).__name__})"
        events = [d for d in batch if d.event is not None]
        try:
            self._store([d.event for d in events if d.event is not None])
        except DatabaseUnavailable:
            raise
        except Exception:
            # Refused, not unreachable: find the events that fail on their own.
            logger.exception("a batch could not be stored; storing its events one by one")
            for delivery in events:
                try:
                    self._store([delivery.event] if delivery.event else [])
                except DatabaseUnavailable:
                    raise
                except Exception as exc:
                    delivery.poison = f"could not be stored ({type(exc).__name__})"
        for delivery in batch:
            if delivery.poison:
                self._reject(channel, delivery)
        self.status.skipped += sum(1 for d in batch if d.event is None and not d.poison)
        channel.basic_ack(delivery_tag=batch[-1].tag, multiple=True)
        self.status.batches += 1
        self.status.last_batch_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._backoff.reset()

    def _store(self, events: list[ReducedEvent]) -> None:
        if not events:
            return
        try:
            with self._sessions() as session:
                result = store_batch(session, events, self.settings.tz)
                session.commit()
        except (OperationalError, InterfaceError) as exc:
            self.status.database_ok = False
            raise DatabaseUnavailable(type(exc).__name__) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                self.status.database_ok = False
                raise DatabaseUnavailable(type(exc).__name__) from exc
            raise
        self.status.database_ok = True
        self.status.stored += result.stored
        self.status.duplicates += len(events) - result.stored

    def _reject(self, channel: Any, delivery: _Delivery) -> None:
        """Moves a poison message to the rejected queue (confirmed), logs and counts it."""
        queue = self.config.rejected_queue
        if not self._rejected_declared:
            channel.queue_declare(
                queue,
                durable=True,
                arguments={"x-max-length": self.config.events_rejected_max},
            )
            self._rejected_declared = True
        channel.basic_publish(
            exchange="",
            routing_key=queue,
            body=delivery.body,
            properties=pika.BasicProperties(
                delivery_mode=pika.DeliveryMode.Persistent,
                headers={
                    "x-rejected-reason": delivery.poison,
                    "x-from-queue": self.config.rabbitmq_queue,
                },
            ),
            mandatory=True,
        )
        self.status.rejected += 1
        logger.warning(
            "rejected an event message (%s, %d bytes) to %s",
            delivery.poison,
            len(delivery.body),
            queue,
        )


# ---- health endpoint ------------------------------------------------------------


def serve_health(status: Callable[[], ConsumerStatus], host: str, port: int) -> ThreadingHTTPServer:
    """``GET /health`` in a daemon thread: 200 when healthy, else 503; counters as JSON."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/health":
                self.send_error(404)
                return
            current = status()
            body = json.dumps({"healthy": current.healthy, **asdict(current)}).encode("utf-8")
            self.send_response(200 if current.healthy else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pika").setLevel(logging.WARNING)
    settings = Settings()
    settings.ensure_safe_for_environment()
    config = ConsumerSettings()
    consumer = EventsConsumer(settings, config)
    if config.events_consumer_health_port:
        serve_health(
            lambda: consumer.status,
            config.events_consumer_health_host,
            config.events_consumer_health_port,
        )
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: consumer.stop())
    consumer.run()
    logger.info("events consumer stopped")


if __name__ == "__main__":
    main()
