"""Personal data: encrypted at rest, masked in lists, never in logs."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from casestore.core.db import make_engine
from casestore.core.logging import get_logger
from casestore.core.settings import Settings
from tests.casestore.casestore_support import AUTH, case_body

NAME, PHONE, ID_NUMBER = "张三", "13812341234", "410105199001011234"


def _raw_rows(settings: Settings) -> list[str]:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        rows = [" ".join(str(v) for v in row) for row in conn.execute(text("SELECT * FROM cases"))]
    engine.dispose()
    return rows


def test_personal_data_is_encrypted_at_rest(client: TestClient, settings: Settings) -> None:
    description = "路灯坏了，请尽快修。"
    client.post("/api/v1/cases", json=case_body(description=description), headers=AUTH)

    (row,) = _raw_rows(settings)
    assert PHONE not in row
    assert ID_NUMBER not in row
    assert NAME not in row
    assert description in row  # the complaint itself is kept verbatim


def test_phone_spelled_differently_hashes_the_same(client: TestClient, settings: Settings) -> None:
    for phone in ("138 1234 1234", "+86 138-1234-1234"):
        body = case_body(complainant={"anonymous": False, "phone": phone})
        assert client.post("/api/v1/cases", json=body, headers=AUTH).status_code == 201
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        hashes = conn.scalars(text("SELECT phone_hash FROM cases")).all()
    engine.dispose()
    assert len(set(hashes)) == 1 and hashes[0]


def test_list_masks_personal_data(client: TestClient) -> None:
    client.post("/api/v1/cases", json=case_body(), headers=AUTH)

    response = client.get("/api/v1/cases", headers=AUTH)

    assert response.status_code == 200
    person = response.json()["items"][0]["complainant"]
    assert person == {
        "anonymous": False,
        "name": "张*",
        "phone": "138****1234",
        "id_number": "410***********1234",
    }
    assert (
        PHONE not in response.text and ID_NUMBER not in response.text and NAME not in response.text
    )


def test_anonymous_case_stores_no_personal_data(client: TestClient, settings: Settings) -> None:
    body = case_body(complainant={"anonymous": True, "name": NAME, "phone": PHONE})
    assert client.post("/api/v1/cases", json=body, headers=AUTH).status_code == 201

    person = client.get("/api/v1/cases", headers=AUTH).json()["items"][0]["complainant"]
    assert person == {"anonymous": True, "name": None, "phone": None, "id_number": None}
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT complainant_name_enc, complainant_phone_enc, phone_hash FROM cases")
        ).one()
    engine.dispose()
    assert tuple(row) == (None, None, None)


def test_logs_never_carry_personal_data(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = case_body(description=f"我叫{NAME}，电话 {PHONE}，身份证 {ID_NUMBER}")
    created = client.post("/api/v1/cases", json=body, headers=AUTH).json()
    client.post(
        "/api/v1/cases",
        json=case_body(complainant={"anonymous": True, "phone": PHONE}),
        headers=AUTH,
    )
    client.post("/api/v1/cases", json=case_body(complainant={"phone": "abc"}), headers=AUTH)  # 422
    client.get("/api/v1/cases", headers=AUTH)
    client.post(
        "/api/v1/cases/lookup",
        json={"number": created["number"], "query_code": created["query_code"]},
    )

    assert "registered" in caplog.text  # the log is not just empty
    for secret in (NAME, PHONE, ID_NUMBER, created["query_code"]):
        assert secret not in caplog.text


def test_redacting_filter_catches_slips(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    get_logger("casestore.test").info("caller %s, id %s", PHONE, ID_NUMBER)
    assert PHONE not in caplog.text and ID_NUMBER not in caplog.text
    assert "[电话已隐藏]" in caplog.text
