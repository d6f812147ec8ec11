"""The city's division tree, read through the shared ``gazetteer`` package.

``gazetteer.load`` reads the JSON written by ``python -m gazetteer.build``
(format: docs/contracts-draft.md) and owns place-name matching, so routing here
canonicalises names exactly as the dialogue agent does.
"""

from __future__ import annotations

import json
from pathlib import Path

from gazetteer import Gazetteer, load


class GazetteerFormatError(ValueError):
    """The gazetteer file exists but does not follow the documented format."""


def read_gazetteer(path: Path) -> Gazetteer | None:
    """The gazetteer at ``path``; None when the file does not exist."""
    if not path.is_file():
        return None
    try:
        gazetteer = load(path)
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise GazetteerFormatError(f"gazetteer file {path} is malformed: {exc!r}") from exc
    if not gazetteer.city_code or not gazetteer.city_name:
        raise GazetteerFormatError(f"gazetteer file {path} has no city name and code")
    return gazetteer


def city_only(code: str, name: str) -> Gazetteer:
    """A gazetteer that knows only the city (used when the file is missing)."""
    return Gazetteer({"city": {"name": name, "code": code, "aliases": []}, "districts": []})
