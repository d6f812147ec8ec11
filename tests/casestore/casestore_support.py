"""Shared test helpers for the case store tests (constants, request bodies, clocks)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from casestore.auth.models import StaffUser
from casestore.auth.passwords import hash_password
from casestore.auth.tokens import TokenClaims, issue_token
from casestore.cases.models import Case
from casestore.cases.service import CaseServices
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


# ---- staff and lifecycle helpers ------------------------------------------------

CITY = "410100"
JINSHUI = "410105"
HUAYUANLU = "410105/花园路街道"
FENGCHANLU = "410105/丰产路街道"
GUANCHENG = "410104"
DONGDAJIE = "410104/东大街街道"

_CHEAP_HASH: list[str] = []


def services_of(client: TestClient) -> CaseServices:
    services: CaseServices = client.app.state.case_services  # type: ignore[attr-defined]
    return services


def staff_headers(client: TestClient, username: str, role: str, unit_code: str) -> dict[str, str]:
    """A staff account (created if missing) and its bearer header, without the login round trip."""
    services = services_of(client)
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    if not _CHEAP_HASH:
        _CHEAP_HASH.append(hash_password("pw"))
    with services.sessions() as session:
        if session.scalar(select(StaffUser).where(StaffUser.username == username)) is None:
            session.add(
                StaffUser(
                    username=username,
                    display_name=username,
                    password_hash=_CHEAP_HASH[0],
                    role=role,
                    unit_code=unit_code,
                    active=True,
                    created_at=datetime.now(UTC),
                )
            )
            session.commit()
    token = issue_token(
        settings.casestore_jwt_secret.get_secret_value(),
        TokenClaims(username, role, unit_code),
        datetime.now(UTC),
        60,
    )
    return {"Authorization": f"Bearer {token}"}


def create_case(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/cases", json=case_body(**overrides), headers=AUTH)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def force_case(client: TestClient, number: str, **fields: Any) -> None:
    """Put a case straight into a state (test set-up only; bypasses the lifecycle)."""
    services = services_of(client)
    with services.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        for name, value in fields.items():
            setattr(case, name, value)
        session.commit()


def load_case(client: TestClient, number: str) -> Case:
    services = services_of(client)
    with services.sessions() as session:
        case = session.scalar(select(Case).where(Case.number == number))
        assert case is not None
        _ = case.events
        return case
