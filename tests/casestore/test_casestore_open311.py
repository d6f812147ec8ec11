"""Open311 GeoReport v2: services, POST/GET requests, field names of the published spec."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.casestore.casestore_support import CITY, force_case

KEY = "dev-open311-key"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def test_services_are_the_level1_categories(client: TestClient) -> None:
    services = client.get("/open311/v2/services.json").json()
    assert len(services) == 15
    first = services[0]
    assert set(first) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    codes = {s["service_code"] for s in services}
    assert {"城乡建设", "环境保护", "交通运输"} <= codes
    definition = client.get("/open311/v2/services/城乡建设.json")
    assert definition.status_code == 200 and definition.json()["attributes"] == []
    assert client.get("/open311/v2/services/nope.json").status_code == 404


def test_round_trip(client: TestClient) -> None:
    posted = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": KEY,
            "service_code": "城乡建设",
            "description": "金水区花园路农科路口井盖缺失，夜间很危险，联系电话 13812341234",
            "address_string": "金水区花园路街道农科路口",
            "first_name": "三",
            "last_name": "张",
            "phone": "13812341234",
        },
    )
    assert posted.status_code == 201, posted.text
    body = posted.json()
    assert isinstance(body, list) and set(body[0]) == {
        "service_request_id",
        "service_notice",
        "account_id",
    }
    number = body[0]["service_request_id"]
    assert number.startswith("XF") and "查询码" in body[0]["service_notice"]

    got = client.get(f"/open311/v2/requests/{number}.json")
    assert got.status_code == 200
    item = got.json()[0]
    assert set(item) == REQUEST_FIELDS
    assert item["status"] == "open" and item["service_code"] == "城乡建设"
    assert item["status_notes"].startswith("已登记")
    assert item["agency_responsible"] == "金水区花园路街道办事处"
    assert "13812341234" not in item["description"]

    force_case(client, number, state="closed")
    closed = client.get(f"/open311/v2/requests.json?service_request_id={number}").json()
    assert closed[0]["status"] == "closed" and closed[0]["status_notes"].startswith("已办结")
    listed = client.get("/open311/v2/requests.json?status=closed&service_code=城乡建设").json()
    assert [r["service_request_id"] for r in listed] == [number]


def test_post_errors_use_the_geo_report_format(client: TestClient) -> None:
    no_key = client.post("/open311/v2/requests.json", data={"service_code": "城乡建设"})
    assert no_key.status_code == 403
    assert no_key.json()[0]["code"] == 403 and no_key.json()[0]["description"]
    missing = client.post(
        "/open311/v2/requests.json",
        data={"api_key": KEY, "description": "x", "address_string": "金水区"},
    )
    assert missing.status_code == 400 and "service_code" in missing.json()[0]["description"]
    unknown = client.post(
        "/open311/v2/requests.json",
        data={"api_key": KEY, "service_code": "火星", "description": "x", "address_string": "a"},
    )
    assert unknown.status_code == 404
    no_place = client.post(
        "/open311/v2/requests.json",
        data={"api_key": KEY, "service_code": "城乡建设", "description": "x"},
    )
    assert no_place.status_code == 400
    huge = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": KEY,
            "service_code": "城乡建设",
            "description": "长" * 20001,
            "lat": "34.7",
            "long": "113.6",
        },
    )
    assert huge.status_code == 400 and "过长" in huge.json()[0]["description"]
    bad_lat = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": KEY,
            "service_code": "城乡建设",
            "description": "x",
            "lat": "north",
            "long": "1",
        },
    )
    assert bad_lat.status_code == 400
    bad_json = client.post(
        "/open311/v2/requests.json", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert client.get("/open311/v2/requests.json?status=maybe").status_code == 400
    assert client.get("/open311/v2/requests/XF209901010001.json").status_code == 404
    # Nothing half-written: only failed posts so far.
    assert client.get("/open311/v2/requests.json").json() == []


def test_json_post_is_accepted(client: TestClient) -> None:
    posted = client.post(
        "/open311/v2/requests.json",
        json={
            "api_key": KEY,
            "service_code": "环境保护",
            "description": "河道有异味",
            "lat": 34.75,
            "long": 113.66,
        },
    )
    assert posted.status_code == 201
    number = posted.json()[0]["service_request_id"]
    item = client.get(f"/open311/v2/requests/{number}.json").json()[0]
    assert item["agency_responsible"] == "郑州市生态环境局"  # no district → city department
    assert CITY
