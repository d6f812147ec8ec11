"""Unit tree with departments, routing rules as data, the level above."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from casestore.units.rules import RoutingRules, RoutingRulesError
from casestore.units.tree import UnitNode, UnitTree
from tests.casestore.casestore_support import (
    CITY,
    HUAYUANLU,
    JINSHUI,
    MakeClient,
    MakeSettings,
    create_case,
    services_of,
)


def _tree() -> UnitTree:
    return UnitTree(
        [
            UnitNode(CITY, "郑州市信访局", "city", None, "city", None),
            UnitNode(
                f"{CITY}/生态环境局", "郑州市生态环境局", "city", CITY, "department", "ecology"
            ),
            UnitNode(JINSHUI, "金水区人民政府", "district", CITY, "district", None),
            UnitNode(
                f"{JINSHUI}/生态环境局",
                "金水区生态环境局",
                "district",
                JINSHUI,
                "department",
                "ecology",
            ),
            UnitNode(HUAYUANLU, "花园路街道办事处", "street", JINSHUI, "street", None),
        ]
    )


def test_upper_unit_goes_up_one_level() -> None:
    tree = _tree()
    assert tree.upper_unit(HUAYUANLU) == JINSHUI
    assert tree.upper_unit(JINSHUI) == CITY
    assert tree.upper_unit(f"{JINSHUI}/生态环境局") == CITY  # a district bureau → the city
    assert tree.upper_unit(CITY) == CITY
    assert tree.is_within(HUAYUANLU, CITY) and not tree.is_within(CITY, HUAYUANLU)
    assert tree.subtree(JINSHUI) == {JINSHUI, f"{JINSHUI}/生态环境局", HUAYUANLU}


def test_rules_choose_street_district_department_or_city() -> None:
    tree, rules = _tree(), RoutingRules.load()
    assert rules.choose(tree, "城乡建设", HUAYUANLU) == HUAYUANLU
    assert rules.choose(tree, "环境保护", HUAYUANLU) == f"{JINSHUI}/生态环境局"
    assert rules.choose(tree, "环境保护", CITY) == f"{CITY}/生态环境局"
    assert rules.choose(tree, "党务政务", HUAYUANLU) == JINSHUI
    assert rules.choose(tree, "纪检监察", HUAYUANLU) == CITY
    assert rules.choose(tree, None, HUAYUANLU) == HUAYUANLU
    # A department that does not exist falls back to the government.
    assert rules.choose(tree, "教育文体", HUAYUANLU) == JINSHUI


def test_rules_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text(json.dumps({"rules": [{"category": "*", "scope": "planet"}]}), encoding="utf-8")
    with pytest.raises(RoutingRulesError, match="scope"):
        RoutingRules.load(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(RoutingRulesError):
        RoutingRules.load(bad)


def test_every_default_rule_names_a_known_department() -> None:
    from casestore.units.directory import load_department_kinds

    kinds = {k.key for k in load_department_kinds()}
    for rule in RoutingRules.load().rules:
        assert rule.department is None or rule.department in kinds


def test_departments_are_seeded_at_city_and_district(client: TestClient) -> None:
    tree = services_of(client).tree
    housing = tree.get(f"{JINSHUI}/住房和城乡建设局")
    assert housing is not None
    assert (housing.name, housing.level, housing.parent_code, housing.department) == (
        "金水区住房和城乡建设局",
        "district",
        JINSHUI,
        "housing",
    )
    assert tree.get(f"{CITY}/公安局") is not None
    assert tree.department_of("410122", "agriculture") == "410122/农业农村局"


def test_registration_routes_by_category(client: TestClient) -> None:
    body = create_case(client, category={"name": "环境保护", "confidence": 0.9})
    assert body["responsible_unit"] == {
        "code": f"{JINSHUI}/生态环境局",
        "name": "金水区生态环境局",
        "level": "district",
    }
    city = create_case(client, category={"name": "经济管理", "confidence": 0.9})
    assert city["responsible_unit"]["code"] == f"{CITY}/发展和改革委员会"


def test_custom_rules_file(
    make_settings: MakeSettings, make_client: MakeClient, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [{"category": "*", "scope": "city"}]}), encoding="utf-8")
    client = make_client(make_settings(routing_rules_file=rules))
    assert create_case(client)["responsible_unit"]["code"] == CITY
