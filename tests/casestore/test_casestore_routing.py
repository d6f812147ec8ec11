"""Routing (分流交办) to street, district or city, through the API and as a pure function."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casestore.cases.models import Case
from casestore.core.db import make_engine
from casestore.core.settings import Settings
from casestore.units.gazetteer_source import read_gazetteer
from casestore.units.routing import PlaceIndex
from tests.casestore.casestore_support import (
    AUTH,
    SAMPLE_GAZETTEER,
    MakeClient,
    MakeSettings,
    case_body,
)


def _create(client: TestClient, **location: str | None) -> dict:  # type: ignore[type-arg]
    response = client.post("/api/v1/cases", json=case_body(location=location), headers=AUTH)
    assert response.status_code == 201, response.text
    return response.json()["responsible_unit"]  # type: ignore[no-any-return]


def test_known_street_goes_to_the_street_office(client: TestClient) -> None:
    unit = _create(client, district="金水区", street="花园路街道")
    assert unit == {
        "code": "410105/花园路街道",
        "name": "金水区花园路街道办事处",
        "level": "street",
    }


def test_district_alone_goes_to_the_district(client: TestClient) -> None:
    unit = _create(client, district="中牟县")
    assert unit == {"code": "410122", "name": "中牟县人民政府", "level": "district"}


def test_alias_resolves_to_the_official_district(client: TestClient) -> None:
    unit = _create(client, district="管城区", street="东大街")
    assert unit == {
        "code": "410104/东大街街道",
        "name": "管城回族区东大街街道办事处",
        "level": "street",
    }


def test_nothing_known_goes_to_the_city(client: TestClient) -> None:
    unit = _create(client)
    assert unit == {"code": "410100", "name": "郑州市信访局", "level": "city"}


def test_dev_zone_and_town_units(client: TestClient) -> None:
    assert _create(client, district="郑东新区", street="如意湖街道") == {
        "code": "410100/郑东新区/如意湖街道",
        "name": "郑东新区如意湖街道办事处",
        "level": "street",
    }
    assert _create(client, district="郑东新区")["name"] == "郑东新区管委会"
    assert _create(client, district="中牟县", street="韩寺镇")["name"] == "中牟县韩寺镇人民政府"


def test_unknown_street_goes_one_level_up_and_is_kept(
    client: TestClient, settings: Settings
) -> None:
    unit = _create(client, district="金水区", street="不存在路街道", address="某小区 3 号楼")
    assert unit["code"] == "410105"
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        row = conn.execute(select(Case.district, Case.street, Case.address)).one()
    engine.dispose()
    assert row.district == "金水区"
    assert row.street is None
    assert row.address == "不存在路街道 某小区 3 号楼"


def test_unknown_district_goes_to_the_city_and_is_kept(
    client: TestClient, settings: Settings
) -> None:
    unit = _create(client, district="火星区")
    assert unit["level"] == "city"
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(Case.address)) == "火星区"
    engine.dispose()


@pytest.fixture
def places() -> PlaceIndex:
    city = read_gazetteer(SAMPLE_GAZETTEER)
    assert city is not None
    return PlaceIndex(city)


@pytest.mark.parametrize(
    ("district", "street", "community", "expected"),
    [
        pytest.param(None, "花园路", None, "410105/花园路街道", id="street-alone"),
        pytest.param(
            "郑州市金水区",
            "花园路街道办事处",
            None,
            "410105/花园路街道",
            id="prefix-suffix",
        ),
        pytest.param("金水区", None, "农科路社区", "410105/花园路街道", id="community"),
        pytest.param(None, None, "博爱街社区", "410104/东大街街道", id="community-alone"),
        pytest.param("金水区", "东大街街道", None, "410105", id="street-elsewhere"),
        pytest.param(
            "金水区",
            "如意湖街道",
            None,
            "410100/郑东新区/如意湖街道",
            id="formal-district",
        ),
        pytest.param(" 管城 ", None, None, "410104", id="alias-spaces"),
        pytest.param("", "", "", "410100", id="empty"),
    ],
)
def test_place_index_route(
    places: PlaceIndex,
    district: str | None,
    street: str | None,
    community: str | None,
    expected: str,
) -> None:
    assert places.route(district, street, community).unit_code == expected


def test_missing_gazetteer_routes_everything_to_the_city(
    make_settings: MakeSettings,
    make_client: MakeClient,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client(make_settings(gazetteer_file=tmp_path / "absent.json"))
    assert "gazetteer file" in caplog.text
    unit = _create(client, district="金水区", street="花园路街道")
    assert unit == {"code": "410100", "name": "郑州市信访局", "level": "city"}
