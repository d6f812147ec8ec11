"""Unit directory operations: seeding from the gazetteer, looking units up."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casestore.core.logging import get_logger
from casestore.units.directory import UnitSpec, load_department_kinds, unit_specs
from casestore.units.gazetteer_source import city_only, read_gazetteer
from casestore.units.models import Unit
from gazetteer import Gazetteer

logger = get_logger(__name__)


def load_city_places(path: Path, fallback_code: str, fallback_name: str) -> Gazetteer:
    """The division tree, or just the city when the gazetteer file is missing."""
    city = read_gazetteer(path)
    if city is None:
        logger.warning(
            "gazetteer file %s not found: only the city unit is seeded and every case "
            "goes to the city; build it with `python -m gazetteer.build`",
            path,
        )
        return city_only(fallback_code, fallback_name)
    return city


def seed_units(session: Session, city: Gazetteer) -> int:
    """Insert or update every unit of the directory (idempotent); returns the count.

    Units that vanished from the gazetteer stay: old cases still point at them.
    """
    specs: dict[str, UnitSpec] = {}
    for spec in unit_specs(city, load_department_kinds()):
        specs.setdefault(spec.code, spec)
    existing = {u.code: u for u in session.scalars(select(Unit))}
    for spec in specs.values():  # parents first: inserts flush in add order, so FKs hold
        unit = existing.get(spec.code)
        if unit is None:
            session.add(Unit(**spec.__dict__))
        else:
            unit.name, unit.level, unit.parent_code, unit.kind, unit.department = (
                spec.name,
                spec.level,
                spec.parent_code,
                spec.kind,
                spec.department,
            )
    session.flush()
    logger.info("unit directory seeded: %d units for %s", len(specs), city.city_name)
    return len(specs)


def get_unit(session: Session, code: str) -> Unit | None:
    return session.get(Unit, code)
