"""Bad input on the lifecycle endpoints: 4xx with Chinese detail, nothing written, audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from casestore.auth.models import AuditEntry
from tests.casestore.casestore_support import (
    CITY,
    create_case,
    load_case,
    services_of,
    staff_headers,
)


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_malformed_action_bodies(client: TestClient) -> None:
    op = staff_headers(client, "op", "operator", CITY)
    number = create_case(client)["number"]
    url = f"/api/v1/staff/cases/{number}/reject"
    for body in (
        {},  # no version
        {"version": "one"},
        {"version": 0},
        {"version": 1, "reason": "长" * 2001},
        {"version": 1, "reason": "bad\x00"},
    ):
        response = client.post(url, json=body, headers=op)
        assert response.status_code == 422, body
        assert _has_chinese(response.json()["detail"])
    not_json = client.post(url, content=b"{", headers={**op, "Content-Type": "application/json"})
    assert not_json.status_code == 422
    unknown_action = client.post(
        f"/api/v1/staff/cases/{number}/explode", json={"version": 1}, headers=op
    )
    assert unknown_action.status_code in (404, 405)
    assert _has_chinese(unknown_action.json()["detail"])
    bad_filter = client.get("/api/v1/staff/cases?state=flying", headers=op)
    assert bad_filter.status_code == 422 and _has_chinese(bad_filter.json()["detail"])
    case = load_case(client, number)
    assert (case.state, case.version, len(case.events)) == ("registered", 1, 1)


def test_refusals_and_successes_are_audited(client: TestClient) -> None:
    op = staff_headers(client, "op", "operator", CITY)
    handler = staff_headers(client, "h", "handler", CITY)
    number = create_case(client)["number"]
    denied = client.post(
        f"/api/v1/staff/cases/{number}/accept", json={"version": 1}, headers=handler
    )
    assert denied.status_code == 403
    ok = client.post(f"/api/v1/staff/cases/{number}/accept", json={"version": 1}, headers=op)
    assert ok.status_code == 200
    wrong_state = client.post(
        f"/api/v1/staff/cases/{number}/reply", json={"version": 2, "note": "x"}, headers=handler
    )
    assert wrong_state.status_code == 409
    assert "当前状态为“已受理”" in wrong_state.json()["detail"]
    with services_of(client).sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.case_number == number).order_by(AuditEntry.id)
        ).all()
    assert [(e.actor, e.action, e.outcome) for e in entries] == [
        ("staff:h", "accept", "denied"),
        ("staff:op", "accept", "ok"),
        ("staff:h", "reply", "conflict"),
    ]
    assert all(e.client for e in entries)


def test_citizen_bad_inputs(client: TestClient) -> None:
    created = create_case(client)
    for body in (
        {"number": "nonsense", "query_code": "123456"},
        {"number": created["number"], "query_code": "12ab"},
        {"number": created["number"], "query_code": created["query_code"], "rating": "great"},
    ):
        response = client.post("/api/v1/cases/evaluate", json=body)
        assert response.status_code == 422 and _has_chinese(response.json()["detail"])
    unknown = client.post(
        "/api/v1/cases/urge", json={"number": "XF209901010001", "query_code": "123456"}
    )
    assert unknown.status_code == 404 and _has_chinese(unknown.json()["detail"])
    review = client.post(
        "/api/v1/cases/request-review",
        json={"number": created["number"], "query_code": created["query_code"], "reason": ""},
    )
    assert review.status_code in (409, 422)
    assert load_case(client, created["number"]).version == 1
