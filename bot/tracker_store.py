"""The SQL tracker store of the production profile (`endpoints.prod.yml`).

Rasa's `SQLTrackerStore.save` first re-reads the whole conversation from the
database and rebuilds a tracker, only to learn which events are new and must
go to the event broker, then counts the stored events again to learn which to
insert. Under load that was 6 % of a Rasa server's CPU. This store counts
once, publishes the same events in the same order and stores them as Rasa
does (same table, same rows).
"""

from __future__ import annotations

import itertools
import json

from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


class SQLTrackerStore(RasaSQLTrackerStore):
    """Rasa's SQL tracker store, one `COUNT` per save instead of a re-read and a `COUNT`."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Publishes, then stores, the events of `tracker` not yet stored."""
        with self.session_scope() as session:
            stored = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
            new_events = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            if self.event_broker is not None:
                await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
            for event in new_events:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
