"""The whole 信访 lifecycle over HTTP: registration to re-check, with units and deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.casestore.casestore_support import (
    AUTH,
    CITY,
    HUAYUANLU,
    JINSHUI,
    FixedClock,
    MakeClient,
    create_case,
    staff_headers,
)

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Zhengzhou


def _act(
    client: TestClient, headers: dict[str, str], number: str, action: str, **body: Any
) -> dict[str, Any]:
    version = client.get(f"/api/v1/staff/cases/{number}", headers=headers).json()["version"]
    response = client.post(
        f"/api/v1/staff/cases/{number}/{action}", json={"version": version, **body}, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_full_lifecycle_with_review_and_recheck(make_client: MakeClient) -> None:
    clock = FixedClock(T0)
    client = make_client(clock=clock)
    city_op = staff_headers(client, "c-op", "operator", CITY)
    street_handler = staff_headers(client, "s-h", "handler", HUAYUANLU)
    district_handler = staff_headers(client, "d-h", "handler", JINSHUI)
    city_handler = staff_headers(client, "c-h", "handler", CITY)
    created = create_case(client)
    number, code = created["number"], created["query_code"]
    assert created["responsible_unit"]["code"] == HUAYUANLU
    assert created["accept_by"] == "2026-12-11"

    detail = _act(client, city_op, number, "accept")
    assert detail["state"] == "accepted"
    assert detail["deadlines"]["handle_by"] == "2027-01-25"  # 60 days
    assert detail["deadlines"]["due_by"] == "2027-01-25"
    detail = _act(client, city_op, number, "assign", unit_code=HUAYUANLU, reason="属地办理")
    assert detail["state"] == "assigned"
    assert detail["responsible_unit"]["code"] == HUAYUANLU
    detail = _act(client, street_handler, number, "sign")
    assert detail["state"] == "in_progress"
    clock.moment = T0 + timedelta(days=10)
    detail = _act(client, street_handler, number, "reply", note="已安排维修，路灯已于本周修复。")
    assert detail["state"] == "replied"
    assert detail["deadlines"]["review_request_by"] == "2027-01-05"
    assert detail["deadlines"]["rate_by"] == "2026-12-13"
    assert detail["deadlines"]["due_by"] is None

    rated = client.post(
        "/api/v1/cases/evaluate",
        json={"number": number, "query_code": code, "rating": "unsatisfied", "reason": "还是不亮"},
    )
    assert rated.status_code == 200, rated.text
    assert rated.json()["state"] == "rated"
    assert rated.json()["review_available"] is True
    assert "复查" in rated.json()["message"]

    review = client.post(
        "/api/v1/cases/request-review",
        json={"number": number, "query_code": code, "reason": "路灯仍然不亮"},
    )
    assert review.status_code == 200, review.text
    assert review.json()["state"] == "review_requested"
    detail = client.get(f"/api/v1/staff/cases/{number}", headers=district_handler).json()
    assert detail["responsible_unit"]["code"] == JINSHUI  # one level above the street
    assert detail["deadlines"]["decision_by"] == "2027-01-05"
    detail = _act(client, district_handler, number, "review", note="经复查，维持原答复。")
    assert detail["state"] == "reviewed"

    recheck = client.post(
        "/api/v1/cases/request-recheck",
        json={"number": number, "query_code": code, "reason": "不服复查意见"},
    )
    assert recheck.status_code == 200, recheck.text
    detail = client.get(f"/api/v1/staff/cases/{number}", headers=city_handler).json()
    assert detail["responsible_unit"]["code"] == CITY  # one more level up
    detail = _act(client, city_handler, number, "recheck", note="经复核，责成街道重新维修。")
    assert detail["state"] == "rechecked"
    detail = _act(client, city_op, number, "close")
    assert detail["state"] == "closed"

    kinds = [e["kind"] for e in detail["timeline"]]
    assert kinds == [
        "registered",
        "accept",
        "assign",
        "sign",
        "reply",
        "rate",
        "request_review",
        "review",
        "request_recheck",
        "recheck",
        "close",
    ]
    assert all(e["actor"] for e in detail["timeline"])
    assert detail["timeline"][1]["actor"] == "staff:c-op"
    assert detail["timeline"][1]["from_state"] == "registered"

    public = client.post("/api/v1/cases/lookup", json={"number": number, "query_code": code})
    assert public.status_code == 200
    body = public.json()
    assert body["state"] == "closed"
    assert body["last_event"]["label"] == "办结"
    assert [e["kind"] for e in body["timeline"]][0] == "registered"
    assert "actor" not in body["timeline"][0]


def test_return_goes_back_to_the_assigning_unit_which_reroutes(make_client: MakeClient) -> None:
    client = make_client()
    district_op = staff_headers(client, "d-op", "operator", JINSHUI)
    street_handler = staff_headers(client, "s-h", "handler", HUAYUANLU)
    number = create_case(client)["number"]
    _act(client, district_op, number, "accept")
    _act(client, district_op, number, "assign", unit_code=HUAYUANLU)
    detail = _act(client, street_handler, number, "return", reason="不属于本街道辖区")
    assert detail["state"] == "accepted"
    assert detail["responsible_unit"]["code"] == JINSHUI
    returned = detail["timeline"][-1]
    assert returned["kind"] == "return" and returned["public"] is False
    assert "不属于本街道辖区" in returned["note"]
    detail = _act(client, district_op, number, "assign", unit_code="410105/丰产路街道")
    assert detail["responsible_unit"]["code"] == "410105/丰产路街道"


def test_one_extension_with_approval_moves_the_deadline(make_client: MakeClient) -> None:
    client = make_client(clock=FixedClock(T0))
    op = staff_headers(client, "d-op", "operator", JINSHUI)
    handler = staff_headers(client, "s-h", "handler", HUAYUANLU)
    head = staff_headers(client, "d-sup", "supervisor", JINSHUI)
    number = create_case(client)["number"]
    _act(client, op, number, "accept")
    _act(client, op, number, "assign", unit_code=HUAYUANLU)
    _act(client, handler, number, "sign")
    detail = _act(client, handler, number, "request-extension", days=20, reason="需协调供电部门")
    assert detail["flags"]["extension_status"] == "requested"
    assert detail["deadlines"]["handle_by"] == "2027-01-25"
    detail = _act(client, head, number, "approve-extension", approved=True)
    assert detail["flags"]["extension_status"] == "approved"
    assert detail["deadlines"]["handle_by"] == str(date(2027, 1, 25) + timedelta(days=20))
    assert detail["deadlines"]["due_by"] == detail["deadlines"]["handle_by"]
    version = detail["version"]
    again = client.post(
        f"/api/v1/staff/cases/{number}/request-extension",
        json={"version": version, "days": 5, "reason": "再延"},
        headers=handler,
    )
    assert again.status_code == 409
    assert "只能申请一次延期" in again.json()["detail"]


def test_extension_longer_than_the_limit_is_refused(make_client: MakeClient) -> None:
    client = make_client()
    op = staff_headers(client, "d-op", "operator", JINSHUI)
    handler = staff_headers(client, "s-h", "handler", HUAYUANLU)
    number = create_case(client)["number"]
    _act(client, op, number, "accept")
    _act(client, op, number, "assign", unit_code=HUAYUANLU)
    detail = _act(client, handler, number, "sign")
    response = client.post(
        f"/api/v1/staff/cases/{number}/request-extension",
        json={"version": detail["version"], "days": 31, "reason": "太忙"},
        headers=handler,
    )
    assert response.status_code == 422
    assert "30" in response.json()["detail"]


def test_create_still_answers_the_documented_contract(client: TestClient) -> None:
    response = client.post("/api/v1/cases", json=_body(), headers=AUTH)
    assert response.status_code == 201
    assert {
        "number",
        "query_code",
        "state",
        "state_label",
        "responsible_unit",
        "accept_by",
        "created_at",
        "repeat_of",
        "repeat_reason",
    } <= set(response.json())


def _body() -> dict[str, Any]:
    from tests.casestore.casestore_support import case_body

    return case_body()


def test_merge_a_repeat_into_the_open_case(make_client: MakeClient) -> None:
    client = make_client()
    op = staff_headers(client, "d-op", "operator", JINSHUI)
    first = create_case(client)
    second = create_case(client)
    assert second["repeat_of"] == first["number"]
    detail = _act(client, op, second["number"], "merge")
    assert detail["state"] == "closed"
    assert detail["flags"]["repeat_of"] == first["number"]
    assert first["number"] in detail["timeline"][-1]["note"]
    original = client.get(f"/api/v1/staff/cases/{first['number']}", headers=op).json()
    assert original["state"] == "registered"
    assert original["timeline"][-1]["kind"] == "merged_in"
    assert second["number"] in original["repeats"]
    citizen = client.post(
        "/api/v1/cases/lookup",
        json={"number": second["number"], "query_code": second["query_code"]},
    ).json()
    assert citizen["state"] == "closed" and first["number"] in citizen["last_event"]["note"]
    # Merging into a closed case, or into itself, is refused; nothing changes.
    third = create_case(client)
    version = client.get(f"/api/v1/staff/cases/{third['number']}", headers=op).json()["version"]
    bad = client.post(
        f"/api/v1/staff/cases/{third['number']}/merge",
        json={"version": version, "target_number": second["number"]},
        headers=op,
    )
    assert bad.status_code == 409 and "不能并入" in bad.json()["detail"]
    self_merge = client.post(
        f"/api/v1/staff/cases/{third['number']}/merge",
        json={"version": version, "target_number": third["number"]},
        headers=op,
    )
    assert self_merge.status_code == 422
