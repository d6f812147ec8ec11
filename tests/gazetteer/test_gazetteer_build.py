"""Builder: real jionlp data + the Zhengzhou supplement -> gazetteer JSON."""

import io
import json

import pytest

from gazetteer import build as builder


@pytest.fixture(scope="module")
def built():
    log = io.StringIO()
    data = builder.build(log=log)
    return data, log.getvalue()


def _district(data, name):
    return next(d for d in data["districts"] if d["name"] == name)


def _street(data, name, district=None):
    return [
        s
        for d in data["districts"]
        for s in d["streets"]
        if s["name"] == name and (district is None or d["name"] == district)
    ]


def test_city_header_and_source(built):
    data, _ = built
    assert data["province"] == "河南省"
    assert data["city"] == {"name": "郑州市", "code": "410100", "aliases": ["郑州"]}
    assert data["source"].startswith("jionlp ")
    assert "zhengzhou.yml" in data["source"]


def test_all_formal_districts_with_codes(built):
    data, _ = built
    codes = {d["name"]: d["code"] for d in data["districts"]}
    assert codes["金水区"] == "410105"
    assert codes["管城回族区"] == "410104"
    assert codes["中牟县"] == "410122"
    assert codes["新郑市"] == "410184"
    assert codes["郑州经济技术开发区"] == "410171"
    assert len([c for c in codes.values() if c]) == 15


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("金水区", "district"),
        ("中牟县", "county"),
        ("巩义市", "county_city"),
        ("郑州航空港经济综合实验区", "dev_zone"),
        ("郑州高新技术产业开发区", "dev_zone"),
        ("郑东新区", "dev_zone"),
    ],
)
def test_district_kind(built, name, kind):
    assert _district(built[0], name)["kind"] == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("花园路街道", "street"),
        ("九龙镇", "town"),
        ("南曹乡", "township"),
        ("金寨回族乡", "township"),
        ("尖山风景区", "other"),
    ],
)
def test_street_kind(built, name, kind):
    assert _street(built[0], name)[0]["kind"] == kind


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("管城回族区", {"管城区", "管城"}),
        ("郑州经济技术开发区", {"经开区", "郑州经开区"}),
        ("郑州高新技术产业开发区", {"高新区", "郑州高新区"}),
        ("郑州航空港经济综合实验区", {"航空港区", "航空港", "港区"}),
        ("中牟县", {"中牟"}),
        ("郑东新区", {"郑东"}),
    ],
)
def test_district_aliases(built, name, expected):
    assert expected <= set(_district(built[0], name)["aliases"])


def test_zone_prefixed_street_keeps_name_and_gets_short_alias(built):
    (street,) = _street(built[0], "郑州经济技术开发区京航街道")
    assert {"京航街道", "京航"} <= set(street["aliases"])


def test_street_short_form(built):
    (street,) = _street(built[0], "花园路街道")
    assert "花园路" in street["aliases"]
    assert "农业院社区" in street["communities"]
    assert street["code"] is None


def test_ambiguous_short_forms_dropped_and_reported(built):
    data, log = built
    for name in ("三官庙街道", "三官庙镇"):
        assert "三官庙" not in _street(data, name)[0]["aliases"]
    assert "'三官庙'" in log
    assert "'城关'" in log


def test_common_words_dropped_by_supplement(built):
    data, _ = built
    assert "上街" not in _district(data, "上街区")["aliases"]
    assert "新城" not in _street(data, "新城街道")[0]["aliases"]


def test_no_alias_maps_to_two_places_at_one_level(built):
    data, _ = built
    owners = {}
    for d in data["districts"]:
        for key in [d["name"], *d["aliases"]]:
            owners.setdefault(("district", key), set()).add(d["name"])
        for s in d["streets"]:
            for key in [s["name"], *s["aliases"]]:
                owners.setdefault(("street", key), set()).add(s["name"])
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_shared_street_names_recorded(built):
    data, log = built
    assert data["shared_street_names"]["新华路街道"] == ["巩义市", "新密市", "新郑市"]
    assert "东风路街道" in data["shared_street_names"]
    assert "新华路街道" in log


def test_zhengdong_streets_moved_with_formal_parent(built):
    data, _ = built
    zone = _district(data, "郑东新区")
    assert zone["code"] is None
    by_name = {s["name"]: s for s in zone["streets"]}
    assert by_name["如意湖街道"]["formal_district"] == "金水区"
    assert by_name["如意湖街道"]["formal_district_code"] == "410105"
    assert by_name["白沙镇"]["formal_district"] == "中牟县"
    assert by_name["如意湖街道"]["communities"], "communities travel with the street"
    assert _street(data, "如意湖街道", "金水区") == []
    assert len(_street(data, "如意湖街道")) == 1


def test_supplement_street_missing_is_reported(tmp_path):
    sup = tmp_path / "s.yml"
    sup.write_text(
        "zones:\n  - name: 测试区\n    streets:\n      - {name: 不存在街道, formal_district: 金水区}\n",
        encoding="utf-8",
    )
    log = io.StringIO()
    data = builder.build(supplement_path=str(sup), log=log)
    assert "不存在街道" in log.getvalue()
    assert _district(data, "测试区")["streets"] == []


def test_other_cities_exclude_own_city(built):
    data, _ = built
    names = {c["name"] for c in data["other_cities"]}
    assert {"开封市", "北京市", "上海市", "济源市"} <= names
    assert "郑州市" not in names
    assert not any("直辖" in n for n in names)
    kaifeng = next(c for c in data["other_cities"] if c["name"] == "开封市")
    assert kaifeng == {"name": "开封市", "province": "河南省", "aliases": ["开封"]}


def test_cli_writes_json(tmp_path):
    out = tmp_path / "g" / "zz.json"
    assert builder.main(["--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["city"]["name"] == "郑州市"
    assert len(data["districts"]) == 16
