"""The production tracker store publishes exactly what Rasa's own store does."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from rasa.core.brokers.sql import SQLEventBroker
from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.core.tracker_store import TrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.tracker_store import SQLTrackerStore

DOMAIN = Domain.from_path("domain.yml")


def conversation(store: TrackerStore, sender: str) -> None:
    """Three turns, saved after each, as Rasa's processor does."""

    async def play() -> None:
        tracker = await store.get_or_create_tracker(sender)
        for text, reply in [
            ("我要投诉", "请问在哪个区？"),
            ("金水区", "哪个街道？"),
            ("花园路", "好的"),
        ]:
            tracker.update(UserUttered(text, {"name": "inform", "confidence": 0.9}))
            tracker.update(SlotSet("district", "金水区"))
            tracker.update(ActionExecuted("utter_x"))
            tracker.update(BotUttered(reply))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)
            tracker = await store.retrieve(sender)  # type: ignore[assignment]

    asyncio.run(play())


def stored(tracker_db: Path) -> list[tuple[str, str, str | None, str | None]]:
    store = RasaSQLTrackerStore(DOMAIN, db=str(tracker_db))
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).order_by(store.SQLEvent.id).all()
        return [(r.sender_id, r.type_name, r.intent_name, r.action_name) for r in rows]


def published(broker_db: Path) -> list[tuple[str, str]]:
    broker = SQLEventBroker(db=str(broker_db))
    with broker.session_scope() as session:
        rows = session.query(broker.SQLBrokerEvent).order_by(broker.SQLBrokerEvent.id).all()
        return [(row.sender_id, json.loads(row.data)["event"]) for row in rows]


def test_publishes_and_stores_the_same_events_as_rasas_store(tmp_path: Path) -> None:
    for name, cls in [("ours", SQLTrackerStore), ("rasa", RasaSQLTrackerStore)]:
        broker = SQLEventBroker(db=str(tmp_path / f"{name}-broker.db"))
        store = cls(DOMAIN, db=str(tmp_path / f"{name}-tracker.db"), event_broker=broker)
        conversation(store, "citizen-1")
        conversation(store, "citizen-2")
    ours, rasa = published(tmp_path / "ours-broker.db"), published(tmp_path / "rasa-broker.db")
    assert ours == rasa
    assert len(ours) == 2 * (1 + 3 * 5)  # the first action_listen, then 5 events a turn
    rows = stored(tmp_path / "ours-tracker.db")
    assert rows == stored(tmp_path / "rasa-tracker.db")
    assert len(rows) == len(ours)
    assert ("citizen-1", "user", "inform", None) in rows


def test_endpoints_select_it_by_module_path(tmp_path: Path) -> None:
    config = EndpointConfig(
        type="bot.tracker_store.SQLTrackerStore", dialect="sqlite", db=str(tmp_path / "t.db")
    )
    store = create_tracker_store(config, DOMAIN)
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps it in a FailSafeTrackerStore
    assert type(inner) is SQLTrackerStore  # not Rasa's silent in-memory fallback
