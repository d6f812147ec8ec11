"""The city gazetteer as the actions see it (loaded once, lazily)."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

import gazetteer
from actions.settings import get_settings


@lru_cache(maxsize=1)
def city() -> gazetteer.Gazetteer:
    return gazetteer.load(get_settings().gazetteer_file)


def city_name() -> str:
    return city().city_name


def official_district(text: str) -> Optional[str]:
    district = city().canonical_district(text or "")
    return district.name if district else None
