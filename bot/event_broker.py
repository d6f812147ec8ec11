"""The RabbitMQ event broker of the production profile (`endpoints.prod.yml`).

Rasa's `PikaEventBroker` starts one asyncio task per event; every task then
waits for the same channel lock, and each lock acquisition scans all waiting
tasks, so the cost per event grows with the backlog. Under 100 citizens this
was 7 % of a Rasa server's CPU, and it also built a debug log entry (a deep
copy of the event) for every publish. This broker hands events to a single
publisher task through a queue: the same messages, same queue, same failure
handling (kept and re-sent on reconnect), published strictly in order.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

from rasa.core.brokers.pika import PikaEventBroker as RasaPikaEventBroker

logger = logging.getLogger(__name__)


class PikaEventBroker(RasaPikaEventBroker):
    """Rasa's Pika broker with one in-order publisher task."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._outgoing: Optional[asyncio.Queue[tuple[dict[str, Any], Any]]] = None
        self._publisher: Optional[asyncio.Task] = None

    def publish(self, event: dict[str, Any], headers: Optional[dict[str, str]] = None) -> None:
        """Queues `event`; the publisher task sends it after those before it."""
        if self._outgoing is None:
            self._outgoing = asyncio.Queue()
        if self._publisher is None or self._publisher.done():
            self._publisher = self._loop.create_task(self._publish_queued(self._outgoing))
        self._outgoing.put_nowait((event, headers))

    async def _publish_queued(self, outgoing: asyncio.Queue[tuple[dict[str, Any], Any]]) -> None:
        while True:
            event, headers = await outgoing.get()
            try:
                await self._publish(event, headers)
            except Exception:  # only with raise_on_failure: nobody awaits this task
                logger.exception("Event broker: publishing failed")
            finally:
                outgoing.task_done()

    async def _publish(
        self, event: dict[str, Any], headers: Optional[dict[str, str]] = None
    ) -> None:
        """Rasa's `_publish` without building a debug entry per event."""
        if self._exchange is None:
            return
        try:
            await self._exchange.publish(self._message(event, headers), "")
        except Exception:
            logger.error("Event broker: an event could not be published; it is kept")
            if self.should_keep_unpublished_messages:
                self._unpublished_events.append(event)
            if self.raise_on_failure:
                raise

    async def close(self) -> None:
        """Sends what is queued (for a few seconds at most), then closes."""
        if self._outgoing is not None and self._publisher is not None:
            try:
                await asyncio.wait_for(self._outgoing.join(), timeout=5.0)
            except TimeoutError:
                logger.warning(
                    "Event broker: closing with %d events unsent", self._outgoing.qsize()
                )
            self._publisher.cancel()
        await super().close()
