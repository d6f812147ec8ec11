"""Durable outbox for case submissions (待登记队列).

A complaint the citizen confirmed is written here before the case store is
called, and stays until the case store has registered it. A background loop
retries what is left; the idempotency key makes every retry safe. The
receipt is kept so the citizen can still get the case number later.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    idempotency_key TEXT PRIMARY KEY,
    sender_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    receipt TEXT,
    delivered_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_sender ON outbox (sender_id);
"""


class Outbox:
    """A small SQLite queue; one file per action server."""

    def __init__(self, path: str) -> None:
        self._path = path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db

    def put(self, key: str, sender_id: str, payload: Dict[str, Any]) -> None:
        """Stores a submission durably; a second put of the same key is a no-op."""
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT OR IGNORE INTO outbox (idempotency_key, sender_id, payload, created_at)"
                " VALUES (?, ?, ?, ?)",
                (key, sender_id, json.dumps(payload, ensure_ascii=False), time.time()),
            )

    def delivered(self, key: str, receipt: Dict[str, Any]) -> None:
        with closing(self._connect()) as db, db:
            db.execute(
                "UPDATE outbox SET receipt = ?, delivered_at = ?, attempts = attempts + 1"
                " WHERE idempotency_key = ?",
                (json.dumps(receipt, ensure_ascii=False), time.time(), key),
            )

    def failed(self, key: str, error: str) -> None:
        with closing(self._connect()) as db, db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?"
                " WHERE idempotency_key = ?",
                (error[:200], key),
            )

    def pending(self, limit: int = 50) -> List[Tuple[str, Dict[str, Any]]]:
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT idempotency_key, payload FROM outbox WHERE delivered_at IS NULL"
                " ORDER BY created_at LIMIT ?",
                (limit,),
            ).fetchall()
        return [(key, json.loads(payload)) for key, payload in rows]

    def latest_for(self, sender_id: str) -> Optional[Dict[str, Any]]:
        """The newest submission of a conversation: its receipt, or None if pending."""
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT receipt, delivered_at FROM outbox WHERE sender_id = ?"
                " ORDER BY created_at DESC LIMIT 1",
                (sender_id,),
            ).fetchone()
        if row is None:
            return None
        receipt, delivered_at = row
        return {
            "delivered": delivered_at is not None,
            "receipt": json.loads(receipt) if receipt else None,
        }
