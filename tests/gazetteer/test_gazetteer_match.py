"""Loading the gazetteer and matching place names in text."""

import io
import json

import pytest

import gazetteer
from gazetteer import build as builder


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    path = tmp_path_factory.mktemp("gaz") / "zhengzhou.json"
    path.write_text(
        json.dumps(builder.build(log=io.StringIO()), ensure_ascii=False),
        encoding="utf-8",
    )
    return gazetteer.load(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("管城回族区", "管城回族区"),
        ("管城区", "管城回族区"),
        ("管城", "管城回族区"),
        ("郑州市管城回族区", "管城回族区"),
        ("河南省郑州市金水区", "金水区"),
        ("经开区", "郑州经济技术开发区"),
        ("郑州经开区", "郑州经济技术开发区"),
        ("高新区", "郑州高新技术产业开发区"),
        ("航空港区", "郑州航空港经济综合实验区"),
        ("港区", "郑州航空港经济综合实验区"),
        ("郑东新区", "郑东新区"),
        (" 二七区 ", "二七区"),
        ("在金水区花园路那边", "金水区"),
    ],
)
def test_canonical_district(gaz, text, expected):
    found = gaz.canonical_district(text)
    assert found is not None and found.name == expected


@pytest.mark.parametrize("text", ["", "朝阳区", "浦东新区", "二七区还是金水区", "上街", "郑州"])
def test_canonical_district_unknown_or_ambiguous(gaz, text):
    assert gaz.canonical_district(text) is None


def test_district_dataclass_fields(gaz):
    d = gaz.canonical_district("金水")
    assert (d.code, d.kind) == ("410105", "district")
    assert any(s.name == "花园路街道" for s in d.streets)


@pytest.mark.parametrize(
    ("text", "district", "expected", "routing_district"),
    [
        ("花园路街道", None, "花园路街道", "金水区"),
        ("花园路", None, "花园路街道", "金水区"),
        ("京航街道", None, "郑州经济技术开发区京航街道", "郑州经济技术开发区"),
        ("新华路街道", "新密", "新华路街道", "新密市"),
        ("新华路", "新郑市", "新华路街道", "新郑市"),
        ("金水区东风路街道", None, "东风路街道", "金水区"),
        ("如意湖", None, "如意湖街道", "郑东新区"),
        ("如意湖街道", "金水区", "如意湖街道", "郑东新区"),
        ("如意湖街道", "郑东新区", "如意湖街道", "郑东新区"),
        ("郑州市二七区一马路街道", None, "一马路街道", "二七区"),
    ],
)
def test_canonical_street(gaz, text, district, expected, routing_district):
    street = gaz.canonical_street(text, district)
    assert street is not None
    assert (street.name, street.district) == (expected, routing_district)


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("新华路街道", None),
        ("东风路", None),
        ("花园路街道", "二七区"),
        ("不存在街道", None),
        ("花园路", "火星区"),
    ],
)
def test_canonical_street_none_when_ambiguous_or_unknown(gaz, text, district):
    assert gaz.canonical_street(text, district) is None


def test_street_candidates_list_every_district(gaz):
    owners = sorted(s.district for s in gaz.street_candidates("新华路街道"))
    assert owners == ["巩义市", "新密市", "新郑市"]


def test_zone_street_keeps_formal_parent(gaz):
    street = gaz.canonical_street("白沙镇")
    assert street.formal_district == "中牟县"
    assert street.formal_district_code == "410122"


def test_district_of_street(gaz):
    assert gaz.district_of_street("花园路街道").name == "金水区"
    assert gaz.district_of_street("龙子湖").name == "郑东新区"
    assert gaz.district_of_street("新华路街道") is None
    assert gaz.district_of_street("南京路") is None


def test_find_places_longest_match_all_levels(gaz):
    text = "我家在郑州市金水区花园路街道农业院社区"
    matches = gaz.find_places(text)
    assert [(m.entity, m.canonical) for m in matches] == [
        ("district", "金水区"),
        ("street", "花园路街道"),
        ("community", "农业院社区"),
    ]
    assert [text[m.start : m.end] for m in matches] == [
        "金水区",
        "花园路街道",
        "农业院社区",
    ]


def test_find_places_returns_canonical_for_alias(gaz):
    (m,) = gaz.find_places("管城那边")
    assert tuple(m) == ("district", "管城回族区", 0, 2)


def test_find_places_prefers_longest(gaz):
    (m,) = gaz.find_places("郑州经开区")
    assert (m.canonical, m.start, m.end) == ("郑州经济技术开发区", 0, 5)


def test_find_places_ignores_roads_named_after_places(gaz):
    assert gaz.find_places("金水路上有人烧烤") == []
    assert gaz.find_places("中原路堵车") == []


def test_find_places_ignores_common_words(gaz):
    assert gaz.find_places("我上街买菜") == []


def test_find_places_empty_and_long_text(gaz):
    assert gaz.find_places("") == []
    text = "楼下烧烤很吵。" * 700 + "二七区"
    matches = gaz.find_places(text)
    assert [(m.canonical, m.end) for m in matches] == [("二七区", len(text))]


@pytest.mark.parametrize(
    ("text", "city", "matched"),
    [
        ("北京朝阳区", "北京市", "北京"),
        ("上海浦东新区张江", "上海市", "上海"),
        ("我在开封市鼓楼区", "开封市", "开封市"),
        ("济源那边", "济源市", "济源"),
    ],
)
def test_other_city_place(gaz, text, city, matched):
    found = gaz.other_city_place(text)
    assert found is not None
    assert (found.city, found.text) == (city, matched)
    assert text[found.start : found.end] == matched


@pytest.mark.parametrize(
    "text",
    [
        "郑州市金水区",
        "南阳路街道",
        "金水区南阳新村街道",
        "东方红小区",
        "在中山路上",
        "我在二七区",
        "开封路",
        "",
    ],
)
def test_other_city_place_none_for_own_city(gaz, text):
    assert gaz.other_city_place(text) is None


def test_all_names_cover_aliases(gaz):
    assert {"管城回族区", "管城区", "管城"} <= set(gaz.all_names("district"))
    assert {"花园路街道", "花园路"} <= set(gaz.all_names("street"))
    assert "农业院社区" in gaz.all_names("community")


@pytest.mark.parametrize(
    "text",
    ["二七塔几点关门", "二七广场西边", "金水河边上倒垃圾", "少林寺门票多少钱"],
)
def test_a_landmark_named_after_a_place_is_not_the_place(gaz, text):
    assert gaz.find_places(text) == []


def test_a_road_used_as_a_road_is_an_address_for_entities_only(gaz):
    text = "文化路与东风路交叉口西北角"
    assert gaz.find_places(text, roads_are_addresses=True) == []
    # the form's street check still routes by the road's street office
    assert {m.canonical for m in gaz.find_places(text)} == {"文化路街道", "东风路街道"}
    assert [m.canonical for m in gaz.find_places("金水区花园路", roads_are_addresses=True)] == [
        "金水区",
        "花园路街道",
    ]
    assert gaz.find_places("紫荆山路上 靠近地铁口", roads_are_addresses=True) == []
