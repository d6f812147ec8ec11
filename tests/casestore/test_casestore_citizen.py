"""Citizen access by number + query code (or hotline phone): look-up, urge, evaluate, review."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from casestore.auth.lookup_guard import RateLimitingLookupGuard, TooManyLookupAttempts
from tests.casestore.casestore_support import (
    AUTH,
    CITY,
    HUAYUANLU,
    MakeClient,
    MakeSettings,
    create_case,
    load_case,
    staff_headers,
)


def _to_replied(client: TestClient, number: str) -> None:
    op = staff_headers(client, "op", "operator", CITY)
    handler = staff_headers(client, "h", "handler", HUAYUANLU)
    for action, headers, body in (
        ("accept", op, {}),
        ("assign", op, {"unit_code": HUAYUANLU}),
        ("sign", handler, {}),
        ("reply", handler, {"note": "已修复"}),
    ):
        version = load_case(client, number).version
        response = client.post(
            f"/api/v1/staff/cases/{number}/{action}",
            json={"version": version, **body},
            headers=headers,
        )
        assert response.status_code == 200, response.text


def _proof(created: dict[str, Any]) -> dict[str, str]:
    return {"number": created["number"], "query_code": created["query_code"]}


def test_lookup_shows_deadlines_and_only_the_public_timeline(client: TestClient) -> None:
    created = create_case(client)
    number = created["number"]
    op = staff_headers(client, "op", "operator", CITY)
    client.post(f"/api/v1/staff/cases/{number}/accept", json={"version": 1}, headers=op)
    client.post(
        f"/api/v1/staff/cases/{number}/assign",
        json={"version": 2, "unit_code": HUAYUANLU},
        headers=op,
    )
    handler = staff_headers(client, "h", "handler", HUAYUANLU)
    client.post(
        f"/api/v1/staff/cases/{number}/return",
        json={"version": 3, "reason": "内部说明"},
        headers=handler,
    )
    body = client.post("/api/v1/cases/lookup", json=_proof(created)).json()
    assert body["state"] == "accepted"
    assert body["deadlines"]["handle_by"] and body["deadlines"]["overdue"] is False
    assert [e["kind"] for e in body["timeline"]] == ["registered", "accept", "assign"]
    assert "内部说明" not in str(body)
    assert "13812341234" not in str(body) and "张三" not in str(body)
    assert body["can_urge"] is True and body["can_evaluate"] is False


def test_urge_is_recorded_and_counted(client: TestClient) -> None:
    created = create_case(client)
    for n in (1, 2):
        response = client.post("/api/v1/cases/urge", json={**_proof(created), "reason": "太慢了"})
        assert response.status_code == 200, response.text
        assert response.json()["urge_count"] == n
        assert f"第 {n} 次" in response.json()["message"]
    case = load_case(client, created["number"])
    assert case.urge_count == 2 and case.events[-1].kind == "urge"


def test_evaluate_needs_a_reply_and_a_reason_when_unsatisfied(client: TestClient) -> None:
    created = create_case(client)
    early = client.post("/api/v1/cases/evaluate", json={**_proof(created), "rating": "satisfied"})
    assert early.status_code == 409
    assert "不能执行“评价”" in early.json()["detail"]
    _to_replied(client, created["number"])
    no_reason = client.post(
        "/api/v1/cases/evaluate", json={**_proof(created), "rating": "unsatisfied"}
    )
    assert no_reason.status_code == 422
    assert "理由" in no_reason.json()["detail"]
    bad = client.post("/api/v1/cases/evaluate", json={**_proof(created), "rating": "great"})
    assert bad.status_code == 422
    ok = client.post(
        "/api/v1/cases/evaluate",
        json={**_proof(created), "rating": "basically_satisfied"},
    )
    assert ok.status_code == 200
    assert ok.json()["message"].startswith("已记录您的评价：基本满意")
    assert ok.json()["review_available"] is True  # the right to review stays for 30 days


def test_unsatisfied_offers_review(client: TestClient) -> None:
    created = create_case(client)
    _to_replied(client, created["number"])
    body = client.post(
        "/api/v1/cases/evaluate",
        json={**_proof(created), "rating": "unsatisfied", "reason": "没修好"},
    ).json()
    assert body["review_available"] is True and body["review_request_by"]
    assert "申请复查" in body["message"]
    review = client.post(
        "/api/v1/cases/request-review", json={**_proof(created), "reason": "没修好"}
    )
    assert review.status_code == 200
    assert review.json()["state"] == "review_requested"


def test_wrong_code_is_refused_and_nothing_changes(client: TestClient) -> None:
    created = create_case(client)
    wrong = "000000" if created["query_code"] != "000000" else "111111"
    response = client.post(
        "/api/v1/cases/urge", json={"number": created["number"], "query_code": wrong}
    )
    assert response.status_code == 403
    assert load_case(client, created["number"]).urge_count == 0
    missing = client.post("/api/v1/cases/urge", json={"number": created["number"]})
    assert missing.status_code == 422 and "查询码" in missing.json()["detail"]


def test_hotline_lookup_by_calling_phone(client: TestClient) -> None:
    created = create_case(client)
    body = {"number": created["number"], "phone": "+86 138-1234-1234"}
    assert client.post("/api/v1/cases/lookup-by-phone", json=body).status_code == 401
    ok = client.post("/api/v1/cases/lookup-by-phone", json=body, headers=AUTH)
    assert ok.status_code == 200 and ok.json()["number"] == created["number"]
    wrong = client.post(
        "/api/v1/cases/lookup-by-phone",
        json={"number": created["number"], "phone": "13900000000"},
        headers=AUTH,
    )
    assert wrong.status_code == 403
    assert "来电号码" in wrong.json()["detail"]
    # A phone alone is not proof without the service token.
    untrusted = client.post(
        "/api/v1/cases/urge", json={"number": created["number"], "phone": "13812341234"}
    )
    assert untrusted.status_code == 422
    trusted = client.post(
        "/api/v1/cases/urge",
        json={"number": created["number"], "phone": "13812341234"},
        headers=AUTH,
    )
    assert trusted.status_code == 200


def test_too_many_wrong_codes_lock_the_number(
    make_settings: MakeSettings, make_client: MakeClient
) -> None:
    client = make_client(make_settings(lookup_max_failures_per_number=3))
    created = create_case(client)
    wrong = "000000" if created["query_code"] != "000000" else "111111"
    for _ in range(3):
        response = client.post(
            "/api/v1/cases/lookup", json={"number": created["number"], "query_code": wrong}
        )
        assert response.status_code == 403
    locked = client.post("/api/v1/cases/lookup", json=_proof(created))
    assert locked.status_code == 429
    assert "次数过多" in locked.json()["detail"]
    other = create_case(client)
    assert client.post("/api/v1/cases/lookup", json=_proof(other)).status_code == 200


def test_guard_per_client_and_window() -> None:
    now = [0.0]
    guard = RateLimitingLookupGuard(
        max_per_number=100, max_per_client=2, window_seconds=60, now=lambda: now[0]
    )
    guard.record_failure("XF1", "1.2.3.4")
    guard.record_failure("XF2", "1.2.3.4")
    try:
        guard.check("XF3", "1.2.3.4")
        raise AssertionError("expected a lock-out")
    except TooManyLookupAttempts as exc:
        assert "分钟" in exc.detail
    guard.check("XF3", "5.6.7.8")
    now[0] = 61.0
    guard.check("XF3", "1.2.3.4")


def test_lookup_page_is_served(client: TestClient) -> None:
    page = client.get("/lookup")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "信访件查询" in page.text and "/api/v1/cases/lookup" in page.text


def test_chat_citizens_behind_the_action_server_are_limited_one_by_one(
    make_settings: MakeSettings, make_client: MakeClient
) -> None:
    """All chat look-ups come from the action server's address: counted per conversation."""
    client = make_client(make_settings(lookup_max_failures_per_client=2))
    cases = [create_case(client) for _ in range(3)]

    def wrong(case: dict[str, Any], headers: dict[str, str]) -> int:
        code = "000000" if case["query_code"] != "000000" else "111111"
        body = {"number": case["number"], "query_code": code}
        return client.post("/api/v1/cases/lookup", json=body, headers=headers).status_code

    careless = {**AUTH, "X-Citizen-Session": "conversation-a"}
    assert [wrong(cases[0], careless), wrong(cases[1], careless)] == [403, 403]
    assert wrong(cases[2], careless) == 429  # this citizen is over the limit …
    other = {**AUTH, "X-Citizen-Session": "conversation-b"}
    ok = client.post("/api/v1/cases/lookup", json=_proof(cases[2]), headers=other)
    assert ok.status_code == 200  # … the next citizen in chat is not

    # without the service token the header is ignored: the caller's address counts
    forged = {"X-Citizen-Session": "fresh-every-time"}
    assert wrong(cases[0], forged) == 403 and wrong(cases[1], forged) == 403
    assert wrong(cases[2], {"X-Citizen-Session": "another"}) == 429
