"""Registration, idempotent replay, look-up and listing through the HTTP API."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casestore.cases.models import Case, CaseEvent
from casestore.core.db import make_engine
from casestore.core.settings import Settings
from tests.casestore.casestore_support import AUTH, MakeClient, MakeSettings, case_body


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_create_returns_number_code_unit_and_deadline(client: TestClient) -> None:
    response = client.post("/api/v1/cases", json=case_body(), headers=AUTH)

    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"XF\d{12}", body["number"])
    assert re.fullmatch(r"\d{6}", body["query_code"])
    assert body["state"] == "registered"
    assert body["state_label"] == "已登记"
    assert body["responsible_unit"] == {
        "code": "410105/花园路街道",
        "name": "金水区花园路街道办事处",
        "level": "street",
    }
    created = datetime.fromisoformat(body["created_at"])
    assert created.utcoffset() == timedelta(hours=8)
    assert body["number"][2:10] == f"{created.date():%Y%m%d}"
    assert date.fromisoformat(body["accept_by"]) == created.date() + timedelta(days=15)


def test_accept_days_is_configurable(make_settings: MakeSettings, make_client: MakeClient) -> None:
    client = make_client(make_settings(accept_days=3))
    body = client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()
    created = datetime.fromisoformat(body["created_at"]).date()
    assert date.fromisoformat(body["accept_by"]) == created + timedelta(days=3)


def test_idempotent_replay_returns_same_case_once(client: TestClient, settings: Settings) -> None:
    body = case_body()
    first = client.post("/api/v1/cases", json=body, headers=AUTH)
    second = client.post("/api/v1/cases", json=body, headers=AUTH)

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["number"] == first.json()["number"]
    assert second.json()["query_code"] == first.json()["query_code"]
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Case)) == 1
        assert conn.scalar(select(func.count()).select_from(CaseEvent)) == 1
    engine.dispose()


def test_numbers_follow_each_other(client: TestClient) -> None:
    numbers = [
        client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()["number"]
        for _ in range(3)
    ]
    sequences = [int(n[-4:]) for n in numbers]
    assert sequences == [1, 2, 3]


def test_lookup_with_number_and_code(client: TestClient) -> None:
    created = client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()

    response = client.post(
        "/api/v1/cases/lookup",
        json={"number": created["number"], "query_code": created["query_code"]},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == created["number"]
    assert body["state_label"] == "已登记"
    assert body["responsible_unit"]["name"] == "金水区花园路街道办事处"
    assert body["accept_by"] == created["accept_by"]
    assert body["last_event"]["label"] == "已登记"
    assert "金水区花园路街道办事处" in body["last_event"]["note"]
    assert "13812341234" not in response.text and "张三" not in response.text


def test_lookup_accepts_digits_alone_and_lower_case(client: TestClient) -> None:
    created = client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()
    for number in (
        created["number"][2:],
        created["number"].lower(),
        " " + created["number"] + " ",
    ):
        response = client.post(
            "/api/v1/cases/lookup",
            json={"number": number, "query_code": created["query_code"]},
        )
        assert response.status_code == 200, number


def test_lookup_wrong_code_is_403(client: TestClient) -> None:
    created = client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()
    wrong = f"{(int(created['query_code']) + 1) % 1_000_000:06d}"

    response = client.post(
        "/api/v1/cases/lookup", json={"number": created["number"], "query_code": wrong}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "查询码不正确，请核对后再试"}


def test_lookup_unknown_number_is_404(client: TestClient) -> None:
    response = client.post(
        "/api/v1/cases/lookup",
        json={"number": "XF209901010001", "query_code": "123456"},
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该信访件，请核对案件编号"


def test_lookup_malformed_is_422(client: TestClient) -> None:
    for body in (
        {"number": "ABC", "query_code": "123456"},
        {"number": "XF202611260001", "query_code": "12ab56"},
        {"number": "XF202611260001"},
    ):
        response = client.post("/api/v1/cases/lookup", json=body)
        assert response.status_code == 422, body


def test_list_is_newest_first_with_total_and_paging(client: TestClient) -> None:
    numbers = [
        client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()["number"]
        for _ in range(3)
    ]

    page = client.get("/api/v1/cases?limit=2&offset=0", headers=AUTH).json()
    rest = client.get("/api/v1/cases?limit=2&offset=2", headers=AUTH).json()

    assert page["total"] == 3
    assert [i["number"] for i in page["items"]] + [i["number"] for i in rest["items"]] == numbers[
        ::-1
    ]
