"""Shared test helpers for the case store tests (constants, request bodies, clocks)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from casestore.core.settings import Settings

SAMPLE_GAZETTEER = Path(__file__).with_name("gazetteer_sample.json")
TOKEN = "test-service-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

MakeSettings = Callable[..., Settings]
MakeClient = Callable[..., TestClient]


class FixedClock:
    """A settable clock, so tests choose the registration moment."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def case_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": f"conv-{uuid.uuid4().hex}",
        "channel": "web_chat",
        "purpose": "complaint",
        "description": "小区门口的路灯坏了一个多月了，晚上很黑，老人孩子出行不安全。",
        "summary": "路灯损坏一个多月",
        "request": "尽快修复路灯",
        "occurred_at_text": "一个多月前",
        "location": {
            "district": "金水区",
            "street": "花园路街道",
            "community": "农科路社区",
            "address": "农科路 18 号院",
        },
        "complainant": {
            "anonymous": False,
            "name": "张三",
            "phone": "13812341234",
            "id_number": "410105199001011234",
        },
        "category": {"name": "城乡建设", "confidence": 0.87},
        "conversation_id": "conv-test",
    }
    body.update(overrides)
    return body
