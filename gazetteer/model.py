"""Gazetteer data model and matching (standard library only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from os import PathLike
from typing import Any, NamedTuple

ADMIN_SUFFIXES = ("区", "县", "市", "街道", "镇", "乡")
# A bare short form followed by one of these is a road, not the place:
# 金水路 is a road that crosses several districts, 中原路 likewise.
ROAD_FOLLOWERS = ("路", "街", "大道", "大街", "巷", "北路", "南路", "东路", "西路")
# A bare short form followed by one of these is a landmark named after the
# place: 二七塔 and 二七广场 are not 二七区, 金水河 is a river, 少林寺 a temple.
LANDMARK_FOLLOWERS = (
    "塔", "广场", "纪念", "河", "湖", "寺", "公园", "山", "桥", "站", "机场",
    "医院", "大学", "中学", "小学", "宾馆", "酒店", "商场", "万达", "景区",
)  # fmt: skip
# A street office named by its road (花园路 for 花园路街道) is the road itself
# when the text goes on like a road: 文化路与东风路交叉口, 花园路往东一百米,
# 紫荆山路上. Such text is an address, not the street office.
ROAD_NAME_SUFFIXES = ("路", "街", "大道", "大街")
ROAD_CONTEXT_FOLLOWERS = (
    "与", "和", "跟", "交叉", "交汇", "十字", "路口", "口", "往", "向", "朝",
    "东段", "西段", "南段", "北段", "中段", "上", "两侧", "沿线", "号", "北边",
    "南边", "东边", "西边", "东侧", "西侧", "南侧", "北侧",
)  # fmt: skip
ROAD_CONTEXT_BEFORE = ("与", "和", "跟", "沿着", "顺着")
# Community/village names shorter than this are too generic to scan for
# inside free text (东村, 李庄); they still resolve by exact lookup.
MIN_COMMUNITY_SCAN_LEN = 3
# Other-city short forms that are everyday words; only their full names count.
COMMON_WORD_CITY_ALIASES = frozenset(
    {"东方", "中山", "普洱", "黄山", "新星", "双河", "白山", "三沙"}
)
ENTITY_PRIORITY = {"district": 0, "street": 1, "community": 2}


@dataclass(frozen=True)
class Street:
    """乡镇/街道. ``district`` is the routing parent (a zone for 郑东新区 streets)."""

    name: str
    district: str
    code: str | None
    kind: str
    aliases: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    formal_district: str | None = None
    formal_district_code: str | None = None


@dataclass(frozen=True)
class District:
    """区/县/县级市 or development zone (开发区, not a formal division)."""

    name: str
    code: str | None
    kind: str
    aliases: tuple[str, ...] = ()
    streets: tuple[Street, ...] = ()


class PlaceMatch(NamedTuple):
    entity: str  # "district" | "street" | "community"
    canonical: str
    start: int
    end: int


@dataclass(frozen=True)
class OtherCityMatch:
    """A place in another city named in the text (e.g. 北京 in 北京朝阳区)."""

    city: str
    province: str
    text: str
    start: int
    end: int


def _clean(text: str) -> str:
    return "".join(text.split())


def _is_bare(key: str) -> bool:
    return not key.endswith(ADMIN_SUFFIXES)


def _followed_by_road(text: str, end: int) -> bool:
    return text.startswith(ROAD_FOLLOWERS, end)


def _is_landmark(key: str, text: str, end: int) -> bool:
    """二七塔, 金水河: a bare short form that names a landmark."""
    return _is_bare(key) and text.startswith(LANDMARK_FOLLOWERS, end)


def _reads_as_place(key: str, text: str, start: int, end: int, roads_are_addresses: bool) -> bool:
    """Whether ``key`` at ``text[start:end]`` names the place, not a road or landmark named after it."""
    if _is_bare(key) and _followed_by_road(text, end):
        return False
    if _is_landmark(key, text, end):
        return False
    return not (roads_are_addresses and _is_road_here(key, text, start, end))


def _is_road_here(key: str, text: str, start: int, end: int) -> bool:
    """花园路 used as a road (…交叉口, 往东…, 与花园路…), not the street office."""
    if not key.endswith(ROAD_NAME_SUFFIXES):
        return False
    if text.startswith(ROAD_CONTEXT_FOLLOWERS, end):
        return True
    before = text[:start]
    return before.endswith(ROAD_CONTEXT_BEFORE) and before[:-1].endswith(ROAD_NAME_SUFFIXES)


class Gazetteer:
    def __init__(self, data: dict[str, Any]) -> None:
        self.province: str = data.get("province", "")
        city = data.get("city") or {}
        self.city_name: str = city.get("name", "")
        self.city_code: str | None = city.get("code")
        self.city_aliases: tuple[str, ...] = tuple(city.get("aliases") or ())
        self.source: str = data.get("source", "")
        self.districts: tuple[District, ...] = tuple(
            _district_from(d) for d in data.get("districts") or ()
        )
        self.other_cities: tuple[dict[str, Any], ...] = tuple(data.get("other_cities") or ())
        self._build_indexes()

    # -- indexes -------------------------------------------------------
    def _build_indexes(self) -> None:
        self._districts: dict[str, District] = {}
        self._streets: dict[str, list[Street]] = {}
        self._communities: dict[str, list[Street]] = {}
        # key -> (entity, canonical); the highest-priority level wins a key.
        self._scan: dict[str, tuple[str, str]] = {}
        for d in self.districts:
            for key in (d.name, *d.aliases):
                self._districts.setdefault(key, d)
                self._add_scan(key, "district", d.name)
            for s in d.streets:
                for key in (s.name, *s.aliases):
                    self._streets.setdefault(key, []).append(s)
                    self._add_scan(key, "street", s.name)
                for c in s.communities:
                    self._communities.setdefault(c, []).append(s)
                    if len(c) >= MIN_COMMUNITY_SCAN_LEN:
                        self._add_scan(c, "community", c)
        self._scan_max = max((len(k) for k in self._scan), default=0)
        self._city_prefixes = sorted(
            {self.province + self.city_name, self.city_name, *self.city_aliases}
            | {self.province + a for a in self.city_aliases},
            key=len,
            reverse=True,
        )
        self._others: dict[str, tuple[str, str, bool]] = {}
        own = {self.city_name, *self.city_aliases}
        for entry in self.other_cities:
            name, province = entry["name"], entry.get("province", "")
            if name in own:
                continue
            self._others.setdefault(name, (name, province, False))
            for alias in entry.get("aliases") or ():
                if len(alias) >= 2 and alias not in own and alias not in COMMON_WORD_CITY_ALIASES:
                    self._others.setdefault(alias, (name, province, True))
        self._others_max = max((len(k) for k in self._others), default=0)

    def _add_scan(self, key: str, entity: str, canonical: str) -> None:
        if len(key) < 2:
            return
        current = self._scan.get(key)
        if current is None or ENTITY_PRIORITY[entity] < ENTITY_PRIORITY[current[0]]:
            self._scan[key] = (entity, canonical)

    # -- lookups -------------------------------------------------------
    def district(self, name: str) -> District | None:
        """Exact lookup by official name or alias."""
        return self._districts.get(_clean(name))

    def _strip_city(self, text: str) -> str:
        for prefix in self._city_prefixes:
            if prefix and text.startswith(prefix) and len(text) > len(prefix):
                return text[len(prefix) :]
        return text

    def canonical_district(self, text: str | District | None) -> District | None:
        """The district named by ``text`` (any alias, optional city prefix), or None."""
        if text is None:
            return None
        if isinstance(text, District):
            return text
        key = _clean(text)
        found = self._districts.get(key) or self._districts.get(self._strip_city(key))
        if found is not None:
            return found
        names = {m.canonical for m in self.find_places(key) if m.entity == "district"}
        if len(names) == 1:
            return self._districts[names.pop()]
        return None

    def street_candidates(self, text: str, district: str | District | None = None) -> list[Street]:
        """Every street ``text`` may name, narrowed by ``district`` when given."""
        key = self._strip_city(_clean(text))
        candidates = list(self._streets.get(key, ()))
        if not candidates:
            matches = self.find_places(key)
            for m in matches:
                if m.entity == "street":
                    candidates.extend(s for s in self._streets[m.canonical] if s not in candidates)
            if district is None:
                named = {m.canonical for m in matches if m.entity == "district"}
                if len(named) == 1:
                    district = named.pop()
        if district is not None:
            d = self.canonical_district(district)
            if d is None:
                return []
            candidates = [s for s in candidates if d.name in (s.district, s.formal_district)]
        return candidates

    def canonical_street(self, text: str, district: str | District | None = None) -> Street | None:
        """The one street ``text`` names (within ``district`` if given); None if unknown or ambiguous."""
        candidates = self.street_candidates(text, district)
        return candidates[0] if len(candidates) == 1 else None

    def district_of_street(self, name: str) -> District | None:
        """Routing district of a street; None when unknown or shared by several districts."""
        names = {s.district for s in self.street_candidates(name)}
        if len(names) != 1:
            return None
        return self._districts[names.pop()]

    def streets_of_community(self, name: str) -> list[Street]:
        return list(self._communities.get(_clean(name), ()))

    def is_in_city(self, text: str) -> bool:
        """True when the text names at least one place of this city."""
        return bool(self.find_places(text))

    # -- scanning ------------------------------------------------------
    def find_places(self, text: str, roads_are_addresses: bool = False) -> list[PlaceMatch]:
        """Leftmost-longest scan for district/street/community names and aliases.

        With ``roads_are_addresses`` (entity extraction), a street office's road
        name used as a road (文化路与东风路交叉口) is not matched; the form's
        street check keeps matching it, to route by the road's street office.
        """
        matches: list[PlaceMatch] = []
        i, n = 0, len(text)
        while i < n:
            hit = None
            for length in range(min(self._scan_max, n - i), 1, -1):
                key = text[i : i + length]
                found = self._scan.get(key)
                if found is None:
                    continue
                if not _reads_as_place(key, text, i, i + length, roads_are_addresses):
                    continue
                hit = PlaceMatch(found[0], found[1], i, i + length)
                break
            if hit is None:
                i += 1
            else:
                matches.append(hit)
                i = hit.end
        return matches

    def names_a_place_here(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` reads as a place, not a road or landmark named after one."""
        return _reads_as_place(text[start:end], text, start, end, roads_are_addresses=True)

    def other_city_place(self, text: str) -> OtherCityMatch | None:
        """First place of another city named in ``text`` (outside this city's own names)."""
        own_spans = [(m.start, m.end) for m in self.find_places(text)]
        i, n = 0, len(text)
        while i < n:
            inside = next((end for start, end in own_spans if start <= i < end), None)
            if inside is not None:
                i = inside
                continue
            for length in range(min(self._others_max, n - i), 1, -1):
                key = text[i : i + length]
                found = self._others.get(key)
                if found is None:
                    continue
                city, province, is_alias = found
                if is_alias and _followed_by_road(text, i + length):
                    continue
                if any(start < i + length and i < end for start, end in own_spans):
                    continue
                return OtherCityMatch(city, province, key, i, i + length)
            i += 1
        return None

    # -- listing -------------------------------------------------------
    def streets(self) -> list[Street]:
        return [s for d in self.districts for s in d.streets]

    def all_names(self, entity: str) -> list[str]:
        """Official names and aliases of one level, for lookup tables and dictionaries."""
        names: dict[str, None] = {}
        for d in self.districts:
            if entity == "district":
                names.update(dict.fromkeys((d.name, *d.aliases)))
            for s in d.streets:
                if entity == "street":
                    names.update(dict.fromkeys((s.name, *s.aliases)))
                elif entity == "community":
                    names.update(dict.fromkeys(s.communities))
        return list(names)


def _street_from(raw: dict[str, Any], district: str) -> Street:
    return Street(
        name=raw["name"],
        district=district,
        code=raw.get("code"),
        kind=raw.get("kind", "other"),
        aliases=tuple(raw.get("aliases") or ()),
        communities=tuple(raw.get("communities") or ()),
        formal_district=raw.get("formal_district"),
        formal_district_code=raw.get("formal_district_code"),
    )


def _district_from(raw: dict[str, Any]) -> District:
    return District(
        name=raw["name"],
        code=raw.get("code"),
        kind=raw.get("kind", "district"),
        aliases=tuple(raw.get("aliases") or ()),
        streets=tuple(_street_from(s, raw["name"]) for s in raw.get("streets") or ()),
    )


def load(path: str | PathLike[str]) -> Gazetteer:
    """Read a gazetteer JSON written by ``python -m gazetteer.build``."""
    with open(path, encoding="utf-8") as fh:
        return Gazetteer(json.load(fh))
