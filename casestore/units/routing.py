"""Routing (分流交办), walking-skeleton rule: the lowest unit the location names.

street known → that street office (属地); only district known → the district;
nothing known → the city. Names are canonicalised by the shared gazetteer
(official names, aliases such as 管城区 → 管城回族区, city prefixes). Unknown
names are never rejected: they are kept as free text and the case goes one
level up.
"""

from __future__ import annotations

from dataclasses import dataclass

from casestore.units.directory import (
    city_unit_code,
    district_unit_code,
    street_unit_code,
)
from gazetteer import District, Gazetteer, Street


@dataclass(frozen=True)
class RoutedLocation:
    """Where a case belongs: the responsible unit and the official place names found."""

    unit_code: str
    district: str | None
    street: str | None
    unresolved: tuple[str, ...]  # names given but not found; kept in the address text


def _given(name: str | None) -> str | None:
    return name if name and name.strip() else None


class PlaceIndex:
    """Routing over the division tree of one city."""

    def __init__(self, city: Gazetteer) -> None:
        self.city = city

    @property
    def city_code(self) -> str:
        return city_unit_code(self.city)

    def route(
        self, district: str | None, street: str | None, community: str | None
    ) -> RoutedLocation:
        district, street, community = (
            _given(district),
            _given(street),
            _given(community),
        )
        unresolved: list[str] = []
        found_district = self.city.canonical_district(district) if district else None
        if district and found_district is None:
            unresolved.append(district)
        found_street: Street | None = None
        if street:
            found_street = self.city.canonical_street(street, found_district)
            if found_street is None:
                unresolved.append(street)
        if found_street is None and community:
            found_street = self._street_of_community(community, found_district)
        if found_street is not None:
            # The routing district of a street (郑东新区 streets sit under the zone).
            found_district = self.city.district(found_street.district)
        return RoutedLocation(
            unit_code=self._unit_code(found_district, found_street),
            district=found_district.name if found_district else None,
            street=found_street.name if found_street else None,
            unresolved=tuple(unresolved),
        )

    def _street_of_community(self, community: str, district: District | None) -> Street | None:
        streets = [
            s
            for s in self.city.streets_of_community(community)
            if district is None or district.name in (s.district, s.formal_district)
        ]
        return streets[0] if len({(s.district, s.name) for s in streets}) == 1 else None

    def _unit_code(self, district: District | None, street: Street | None) -> str:
        if district is not None and street is not None:
            return street_unit_code(self.city, district, street)
        if district is not None:
            return district_unit_code(self.city, district)
        return self.city_code
