"""Authorization matrix: role x unit relationship x action; tokens; conflicts; audit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casestore.auth.models import AuditEntry
from casestore.cases.lifecycle import ACTIONS
from tests.casestore.casestore_support import (
    AUTH,
    CITY,
    DONGDAJIE,
    GUANCHENG,
    HUAYUANLU,
    JINSHUI,
    MakeClient,
    MakeSettings,
    create_case,
    force_case,
    load_case,
    services_of,
    staff_headers,
)

ROLES = ("operator", "handler", "supervisor", "admin")
# The case sits at 金水区人民政府; where the staff member sits relative to it.
RELATIONS = {"same": JINSHUI, "above": CITY, "below": HUAYUANLU, "unrelated": GUANCHENG}

# action (URL segment) → (state to start from, extra case fields, request body)
SCENARIOS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "accept": ("registered", {}, {}),
    "reject": ("registered", {}, {"reason": "属于诉讼渠道"}),
    "assign": ("accepted", {}, {"unit_code": JINSHUI}),
    "return": ("assigned", {"assigning_unit_code": CITY}, {"reason": "非本单位职责"}),
    "sign": ("assigned", {}, {}),
    "request-extension": ("in_progress", {}, {"days": 10, "reason": "需要协调"}),
    "approve-extension": (
        "in_progress",
        {"extension_status": "requested", "extension_days": 10},
        {"approved": True},
    ),
    "reply": ("in_progress", {}, {"note": "已处理"}),
    "review": ("review_requested", {}, {"note": "维持"}),
    "recheck": ("recheck_requested", {}, {"note": "维持"}),
    "close": ("rated", {"rating": "satisfied"}, {}),
    "supervise": ("in_progress", {}, {"reason": "群众反映强烈"}),
}


def _allowed(segment: str, role: str, relation: str) -> bool:
    spec = ACTIONS[segment.replace("-", "_")]
    if relation not in ("same", "above") or role not in spec.actors:
        return False
    return not (segment == "supervise" and relation == "same" and role != "admin")


def test_authorization_matrix(client: TestClient) -> None:
    today = services_of(client).context().today
    failures = []
    for segment, (state, fields, body) in SCENARIOS.items():
        for role in ROLES:
            for relation, unit in RELATIONS.items():
                number = create_case(client, location={"district": "金水区"})["number"]
                force_case(
                    client,
                    number,
                    state=state,
                    responsible_unit_code=JINSHUI,
                    due_by=today + timedelta(days=3),
                    handle_by=today + timedelta(days=3),
                    **fields,
                )
                headers = staff_headers(client, f"{role}-{relation}", role, unit)
                version = load_case(client, number).version
                response = client.post(
                    f"/api/v1/staff/cases/{number}/{segment}",
                    json={"version": version, **body},
                    headers=headers,
                )
                expected = 200 if _allowed(segment, role, relation) else 403
                if response.status_code != expected:
                    failures.append((segment, role, relation, response.status_code, response.text))
                elif expected == 403:
                    assert "权" in response.json()["detail"]
                    assert load_case(client, number).version == version  # nothing written
    assert failures == []


def test_staff_see_only_their_unit_and_below(client: TestClient) -> None:
    in_jinshui = create_case(client)["number"]  # → 花园路街道
    in_guancheng = create_case(client, location={"district": "管城回族区", "street": "东大街"})[
        "number"
    ]
    district = staff_headers(client, "jinshui-op", "operator", JINSHUI)
    street = staff_headers(client, "dongdajie-op", "operator", DONGDAJIE)
    city = staff_headers(client, "city-op", "operator", CITY)

    def numbers(headers: dict[str, str]) -> set[str]:
        response = client.get("/api/v1/staff/cases?limit=100", headers=headers)
        assert response.status_code == 200, response.text
        return {item["number"] for item in response.json()["items"]}

    assert numbers(city) >= {in_jinshui, in_guancheng}
    assert in_jinshui in numbers(district) and in_guancheng not in numbers(district)
    assert numbers(street) == {in_guancheng}
    denied = client.get(f"/api/v1/staff/cases/{in_jinshui}", headers=street)
    assert denied.status_code == 403
    assert "无权" in denied.json()["detail"]
    allowed = client.get(f"/api/v1/staff/cases/{in_jinshui}", headers=district)
    assert allowed.status_code == 200
    assert allowed.json()["complainant"]["phone"] == "13812341234"  # entitled: in clear
    listed = client.get("/api/v1/staff/cases", headers=district).json()["items"][0]
    assert "****" in listed["complainant"]["phone"]  # lists stay masked
    outside = client.get(f"/api/v1/staff/cases?unit={GUANCHENG}", headers=district)
    assert outside.status_code == 403


def test_staff_endpoints_need_a_valid_token(client: TestClient) -> None:
    assert client.get("/api/v1/staff/cases").status_code == 401
    assert client.get("/api/v1/staff/cases", headers=AUTH).status_code == 401  # service token
    bad = client.get("/api/v1/staff/cases", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401
    assert "登录" in bad.json()["detail"]


def test_password_login_with_demo_accounts(
    make_settings: MakeSettings, make_client: MakeClient
) -> None:
    client = make_client(make_settings(casestore_demo_staff=True, casestore_demo_password="pw-1"))
    wrong = client.post("/api/v1/auth/token", data={"username": "admin", "password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "用户名或密码不正确"
    unknown = client.post("/api/v1/auth/token", data={"username": "ghost", "password": "pw-1"})
    assert unknown.status_code == 401
    ok = client.post("/api/v1/auth/token", data={"username": "street.handler", "password": "pw-1"})
    assert ok.status_code == 200, ok.text
    token = ok.json()["access_token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "handler" and me["unit_code"].startswith("410105/")
    with services_of(client).sessions() as session:
        outcomes = [
            a.outcome
            for a in session.scalars(select(AuditEntry).where(AuditEntry.action == "login"))
        ]
    assert outcomes.count("denied") == 2 and outcomes.count("ok") == 1


def test_stale_version_gets_a_conflict(client: TestClient) -> None:
    number = create_case(client)["number"]
    op = staff_headers(client, "op", "operator", CITY)
    other = staff_headers(client, "op2", "operator", CITY)
    version = load_case(client, number).version
    first = client.post(
        f"/api/v1/staff/cases/{number}/accept", json={"version": version}, headers=op
    )
    assert first.status_code == 200
    second = client.post(
        f"/api/v1/staff/cases/{number}/reject",
        json={"version": version, "reason": "重复"},
        headers=other,
    )
    assert second.status_code == 409
    assert second.json()["detail"] == "该信访件已被他人更新，请刷新后查看最新情况再操作"
    assert load_case(client, number).state == "accepted"
    with services_of(client).sessions() as session:
        audit = session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_number == number, AuditEntry.action == "reject"
            )
        ).one()
    assert audit.outcome == "conflict" and audit.actor == "staff:op2"


def test_two_staff_acting_at_once_one_wins(client: TestClient) -> None:
    number = create_case(client)["number"]
    a = staff_headers(client, "op-a", "operator", CITY)
    b = staff_headers(client, "op-b", "operator", CITY)
    version = load_case(client, number).version

    def act(args: tuple[str, dict[str, str]]) -> int:
        action, headers = args
        body = {"version": version, "reason": "不属于信访事项"}
        return client.post(
            f"/api/v1/staff/cases/{number}/{action}", json=body, headers=headers
        ).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = sorted(pool.map(act, [("accept", a), ("reject", b)]))
    assert codes == [200, 409]
    case = load_case(client, number)
    assert case.version == version + 1
    assert len(case.events) == 2


def test_concurrent_commit_is_caught_by_the_version_column(client: TestClient) -> None:
    """Both loaded version N; the slower commit finds no row at version N (StaleDataError)."""
    from sqlalchemy.orm.exc import StaleDataError

    services = services_of(client)
    number = create_case(client)["number"]
    from casestore.cases.models import Case

    first, second = services.sessions(), services.sessions()
    try:
        one = first.scalar(select(Case).where(Case.number == number))
        first.commit()
        two = second.scalar(select(Case).where(Case.number == number))
        second.commit()
        assert one is not None and two is not None
        one.summary = "first"
        first.commit()
        two.summary = "second"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()


def test_unknown_case_and_unknown_unit(client: TestClient) -> None:
    op = staff_headers(client, "op", "operator", CITY)
    missing = client.post(
        "/api/v1/staff/cases/XF209901010001/accept", json={"version": 1}, headers=op
    )
    assert missing.status_code == 404
    number = create_case(client)["number"]
    force_case(client, number, state="accepted")
    version = load_case(client, number).version
    bad = client.post(
        f"/api/v1/staff/cases/{number}/assign",
        json={"version": version, "unit_code": "410105/不存在街道"},
        headers=op,
    )
    assert bad.status_code == 422
    assert "找不到承办单位" in bad.json()["detail"]
    no_reason = client.post(
        f"/api/v1/staff/cases/{number}/assign", json={"version": version}, headers=op
    )
    assert no_reason.status_code == 422
    case = load_case(client, number)
    assert (case.state, case.version, len(case.events)) == ("accepted", version, 1)


def test_staff_register_letters_and_list_units(client: TestClient) -> None:
    from tests.casestore.casestore_support import case_body

    op = staff_headers(client, "op", "operator", JINSHUI)
    handler = staff_headers(client, "h", "handler", JINSHUI)
    body = case_body(channel="letter")
    created = client.post("/api/v1/staff/cases", json=body, headers=op)
    assert created.status_code == 201 and created.json()["state"] == "registered"
    assert client.post("/api/v1/staff/cases", json=body, headers=op).status_code == 200
    assert client.post("/api/v1/staff/cases", json=case_body(), headers=handler).status_code == 403
    units = client.get("/api/v1/staff/units", headers=op).json()
    codes = [u["code"] for u in units]
    assert codes[0] == JINSHUI and HUAYUANLU in codes and CITY not in codes
    assert any(u["department"] == "housing" for u in units)
