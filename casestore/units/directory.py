"""The unit directory derived from the division tree: codes, names, levels.

Codes are official division codes where the source has them; otherwise a
composite of official facts, ``<parent code>/<official name>`` — never an
invented number (see docs/contracts-draft.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gazetteer import District, Gazetteer, Street


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    level: str
    parent_code: str | None
    kind: str
    department: str | None = None


@dataclass(frozen=True)
class DepartmentKind:
    """A functional department (职能部门) present at city and district level."""

    key: str
    short: str
    name: str


DEPARTMENTS_FILE = Path(__file__).with_name("departments.json")


def load_department_kinds(path: Path = DEPARTMENTS_FILE) -> list[DepartmentKind]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [DepartmentKind(d["key"], d["short"], d["name"]) for d in data["departments"]]


def department_unit_code(parent_code: str, kind: DepartmentKind) -> str:
    """``410105/住房和城乡建设局``: the government's code plus the bureau's name."""
    return f"{parent_code}/{kind.name}"


def _department_specs(
    parent_code: str, parent_name: str, level: str, kinds: list[DepartmentKind]
) -> list[UnitSpec]:
    return [
        UnitSpec(
            department_unit_code(parent_code, kind),
            f"{parent_name}{kind.name}",
            level,
            parent_code,
            "department",
            kind.key,
        )
        for kind in kinds
    ]


def city_unit_code(city: Gazetteer) -> str:
    return city.city_code or ""


def district_unit_code(city: Gazetteer, district: District) -> str:
    return district.code or f"{city_unit_code(city)}/{district.name}"


def street_unit_code(city: Gazetteer, district: District, street: Street) -> str:
    return street.code or f"{district_unit_code(city, district)}/{street.name}"


def city_unit_name(city: Gazetteer) -> str:
    return f"{city.city_name}信访局"


def district_unit_name(district: District) -> str:
    """金水区人民政府；郑东新区管委会."""
    if district.kind == "dev_zone":
        return f"{district.name}管委会"
    return f"{district.name}人民政府"


def street_unit_name(district: District, street: Street) -> str:
    """金水区花园路街道办事处；中牟县韩寺镇人民政府."""
    if street.kind == "street" or street.name.endswith("街道"):
        return f"{district.name}{street.name}办事处"
    if street.kind in ("town", "township"):
        return f"{district.name}{street.name}人民政府"
    return f"{district.name}{street.name}"


def unit_specs(city: Gazetteer, departments: list[DepartmentKind] | None = None) -> list[UnitSpec]:
    """Every unit, parents before children; departments under the city and each district."""
    kinds = departments or []
    city_code = city_unit_code(city)
    specs = [UnitSpec(city_code, city_unit_name(city), "city", None, "city")]
    specs += _department_specs(city_code, city.city_name or "", "city", kinds)
    for district in city.districts:
        district_code = district_unit_code(city, district)
        specs.append(
            UnitSpec(
                district_code,
                district_unit_name(district),
                "district",
                city_code,
                district.kind,
            )
        )
        specs += _department_specs(district_code, district.name, "district", kinds)
        for street in district.streets:
            specs.append(
                UnitSpec(
                    street_unit_code(city, district, street),
                    street_unit_name(district, street),
                    "street",
                    district_code,
                    street.kind,
                )
            )
    return specs
