"""Bad input gets a 4xx with a Chinese ``detail``, never a 500 or a stack trace."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.casestore.casestore_support import AUTH, case_body

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _assert_clear_refusal(response, status: int) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == status, response.text
    body = response.json()
    assert CHINESE.search(body["detail"]), body
    assert "Traceback" not in response.text
    return body  # type: ignore[no-any-return]


def test_malformed_json(client: TestClient) -> None:
    response = client.post(
        "/api/v1/cases",
        content=b'{"channel": "web_chat",',
        headers={**AUTH, "Content-Type": "application/json"},
    )
    body = _assert_clear_refusal(response, 422)
    assert "JSON" in body["detail"]


def test_not_an_object(client: TestClient) -> None:
    _assert_clear_refusal(client.post("/api/v1/cases", json=["a"], headers=AUTH), 422)


def test_missing_fields_are_listed(client: TestClient) -> None:
    response = client.post("/api/v1/cases", json={"channel": "web_chat"}, headers=AUTH)
    body = _assert_clear_refusal(response, 422)
    fields = {f["field"] for f in body["fields"]}
    assert fields == {"idempotency_key", "description"}
    assert "缺少必填项" in body["detail"]


def test_description_over_20000_chars(client: TestClient) -> None:
    ok = client.post("/api/v1/cases", json=case_body(description="字" * 20_000), headers=AUTH)
    assert ok.status_code == 201
    response = client.post("/api/v1/cases", json=case_body(description="字" * 20_001), headers=AUTH)
    body = _assert_clear_refusal(response, 422)
    assert body["fields"][0]["field"] == "description"
    assert "20000" in body["detail"]


def test_unknown_channel(client: TestClient) -> None:
    body = _assert_clear_refusal(
        client.post("/api/v1/cases", json=case_body(channel="fax"), headers=AUTH), 422
    )
    assert body["fields"][0]["field"] == "channel"


@pytest.mark.parametrize(
    "overrides",
    [
        {"description": "   "},
        {"description": "含有\x00字符"},
        {"idempotency_key": ""},
        {"idempotency_key": "k" * 101},
        {"purpose": "praise"},
        {"category": {"name": "城乡建设", "confidence": 7}},
        {"complainant": {"anonymous": "maybe"}},
        {"complainant": {"phone": "call me"}},
        {"complainant": {"id_number": "12345"}},
        {"location": "金水区"},
    ],
)
def test_invalid_fields(client: TestClient, overrides: dict) -> None:  # type: ignore[type-arg]
    _assert_clear_refusal(
        client.post("/api/v1/cases", json=case_body(**overrides), headers=AUTH), 422
    )


def test_emoji_english_and_traditional_are_fine(client: TestClient) -> None:
    body = case_body(description="路燈壞了 😡 street light broken", summary="😡")
    assert client.post("/api/v1/cases", json=body, headers=AUTH).status_code == 201


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}]
)
def test_wrong_service_token(client: TestClient, headers: dict[str, str]) -> None:
    _assert_clear_refusal(client.post("/api/v1/cases", json=case_body(), headers=headers), 401)
    _assert_clear_refusal(client.get("/api/v1/cases", headers=headers), 401)


def test_list_paging_out_of_range(client: TestClient) -> None:
    _assert_clear_refusal(client.get("/api/v1/cases?limit=0", headers=AUTH), 422)
    _assert_clear_refusal(client.get("/api/v1/cases?limit=abc", headers=AUTH), 422)
    _assert_clear_refusal(client.get("/api/v1/cases?offset=-1", headers=AUTH), 422)


def test_unknown_path_and_method(client: TestClient) -> None:
    _assert_clear_refusal(client.get("/api/v1/nothing"), 404)
    _assert_clear_refusal(client.delete("/api/v1/cases", headers=AUTH), 405)


def test_lookup_bad_inputs(client: TestClient) -> None:
    _assert_clear_refusal(client.post("/api/v1/cases/lookup", content=b"not json"), 422)
    _assert_clear_refusal(
        client.post(
            "/api/v1/cases/lookup",
            json={"number": "XF209901010001", "query_code": "000000"},
        ),
        404,
    )


def test_form_encoded_body_is_told_to_send_json(client: TestClient) -> None:
    response = client.post(
        "/api/v1/cases/lookup",
        content=b"number=XF202611260001&query_code=123456",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    body = _assert_clear_refusal(response, 422)
    assert "Content-Type: application/json" in body["detail"]
