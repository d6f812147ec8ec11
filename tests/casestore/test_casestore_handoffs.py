"""Hand-off reports from the bot and the voice gateway (转人工/待回电)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.casestore.casestore_support import AUTH, services_of


def _report(client: TestClient, **fields: Any):
    body = {
        "event_id": "evt-1",
        "conversation_id": "call-0123456789abcdef",
        "channel": "hotline",
        "reason": "request_human",
        "outcome": "transferring",
        "caller": "+8613800138000",
        "transfer_target": "number",
    }
    body.update(fields)
    return client.post("/api/v1/handoffs", json=body, headers=AUTH)


def test_a_transfer_then_no_answer_is_one_handoff_waiting_for_a_callback(
    client: TestClient,
) -> None:
    first = _report(client)
    assert first.status_code == 201
    again = _report(client)  # the gateway re-sends the same event after a timeout
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    ended = _report(client, event_id="evt-2", outcome="callback_needed", call_status="no-answer")
    assert ended.status_code == 201
    handoff = ended.json()
    assert handoff["id"] == first.json()["id"]
    assert handoff["status"] == "callback_needed" and handoff["status_label"] == "待回电"
    assert handoff["caller"] == "138****8000"

    queue = client.get("/api/v1/handoffs", headers=AUTH).json()
    assert queue["total"] == 1 and queue["items"][0]["reason_label"] == "市民要求转人工"


def test_a_dropped_call_keeps_the_first_reason_and_marks_partial(client: TestClient) -> None:
    _report(client, reason="emergency", outcome="transferring")
    dropped = _report(
        client, event_id="evt-3", reason="dropped_call", outcome="callback_needed", partial=True
    ).json()
    assert dropped["reason"] == "emergency" and dropped["partial"] is True


def test_the_calling_number_is_encrypted_at_rest(client: TestClient) -> None:
    _report(client)
    with services_of(client).sessions() as session:
        stored = session.execute(text("SELECT caller_phone_enc FROM handoffs")).scalar_one()
    assert "13800138000" not in stored


def test_reports_need_the_service_token_and_a_known_reason(client: TestClient) -> None:
    body = {
        "event_id": "e",
        "conversation_id": "c",
        "channel": "hotline",
        "reason": "request_human",
    }
    assert client.post("/api/v1/handoffs", json=body).status_code in (401, 403)
    bad = client.post("/api/v1/handoffs", json=body | {"reason": "bored"}, headers=AUTH)
    assert bad.status_code == 422 and bad.json()["detail"]
    assert client.get("/api/v1/handoffs", headers=AUTH).json()["total"] == 0
