"""Speech-recognition hints: domain words plus the city's place names from the gazetteer JSON.

Twilio takes up to 500 comma-separated entries of up to 100 characters each (warning 13330);
we keep far fewer so recognition stays fast and focused. Place names are taken city first,
then every district, then streets round-robin across districts so each area is represented.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, zip_longest
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TWILIO_MAX_HINT_CHARS = 100
MAX_TOTAL_CHARS = 2000


def load_gazetteer(path: Path) -> Mapping[str, Any] | None:
    """The gazetteer JSON, or None when it is missing or unreadable (hints then omit places)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        log.warning("gazetteer file %s not found; speech hints carry no place names", path)
        return None
    except (OSError, ValueError) as exc:
        log.warning(
            "gazetteer file %s unreadable (%s); speech hints carry no place names",
            path,
            exc,
        )
        return None
    return data if isinstance(data, Mapping) else None


def _names(entry: Any, *, short_alias: bool) -> list[str]:
    if not isinstance(entry, Mapping):
        return []
    names = [str(entry.get("name") or "")]
    aliases = [a for a in entry.get("aliases") or [] if isinstance(a, str)]
    if short_alias and aliases:
        # The shortest alias is how people say it (管城区 -> 管城, 高新技术产业开发区 -> 高新区).
        names.append(min(aliases, key=len))
    return names


def place_names(gazetteer: Mapping[str, Any] | None) -> list[str]:
    if not gazetteer:
        return []
    districts = [d for d in gazetteer.get("districts") or [] if isinstance(d, Mapping)]
    city = _names(gazetteer.get("city"), short_alias=False)
    district_names = [n for d in districts for n in _names(d, short_alias=True)]
    streets_by_district = [
        [n for s in d.get("streets") or [] for n in _names(s, short_alias=False)] for d in districts
    ]
    round_robin = [n for row in zip_longest(*streets_by_district) for n in row if n]
    return [*city, *district_names, *round_robin]


def build_hints(words: Iterable[str], *, max_entries: int, max_chars: int = MAX_TOTAL_CHARS) -> str:
    """Comma-separated, de-duplicated hints within Twilio's limits."""
    chosen: list[str] = []
    seen: set[str] = set()
    total = 0
    for word in words:
        word = word.replace(",", " ").strip()
        if not word or word in seen or len(word) > TWILIO_MAX_HINT_CHARS:
            continue
        if len(chosen) >= max_entries or total + len(word) + 1 > max_chars:
            break
        chosen.append(word)
        seen.add(word)
        total += len(word) + 1
    return ",".join(chosen)


def hints_for(domain_words: Sequence[str], gazetteer_file: Path, *, max_entries: int) -> str:
    places = place_names(load_gazetteer(gazetteer_file))
    return build_hints(chain(domain_words, places), max_entries=max_entries)
