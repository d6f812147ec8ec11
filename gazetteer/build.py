"""Build the city gazetteer JSON from jionlp's division tree plus a small supplement.

Usage (svc env, repo root as cwd)::

    python -m gazetteer.build --province 河南省 --city 郑州市 \
        --supplement gazetteer/supplements/zhengzhou.yml --out var/gazetteer/zhengzhou.json

jionlp is imported only here, at build time; ``gazetteer.load`` reads the JSON
with the standard library alone.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

from zhtext import normalize

DEFAULT_PROVINCE = "河南省"
DEFAULT_CITY = "郑州市"
DEFAULT_SUPPLEMENT = "gazetteer/supplements/zhengzhou.yml"
DEFAULT_OUT = "var/gazetteer/zhengzhou.json"

DEV_ZONE_SUFFIXES = ("开发区", "实验区", "新区")
# Long official zone suffixes -> the short forms people actually say.
ZONE_SHORT_FORMS = {
    "经济技术开发区": ("经开区",),
    "高新技术产业开发区": ("高新区",),
    "航空港经济综合实验区": ("航空港区", "航空港"),
}
ETHNIC_MARKERS = ("回族",)
# Pseudo prefecture entries in jionlp whose children are the real units.
PSEUDO_CITY_MARKER = "直辖"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _children(node: dict[str, Any]) -> list[str]:
    return sorted(k for k in node if not k.startswith("_"))


def district_kind(name: str) -> str:
    if name.endswith(DEV_ZONE_SUFFIXES):
        return "dev_zone"
    if name.endswith("区"):
        return "district"
    if name.endswith("县"):
        return "county"
    if name.endswith("市"):
        return "county_city"
    return "district"


def street_kind(name: str) -> str:
    if name.endswith("街道"):
        return "street"
    if name.endswith("镇"):
        return "town"
    if name.endswith("乡"):
        return "township"
    return "other"


def district_aliases(name: str, jionlp_alias: Any, city_short: list[str]) -> list[str]:
    aliases = _as_list(jionlp_alias)
    for marker in ETHNIC_MARKERS:
        suffix = marker + "区"
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            base = name[: -len(suffix)]
            aliases += [base + "区", base]
    if name.endswith(("县", "市")) and len(name) >= 3:
        aliases.append(name[:-1])
    for long_suffix, shorts in ZONE_SHORT_FORMS.items():
        if name.endswith(long_suffix):
            prefix = name[: -len(long_suffix)]
            aliases.append(long_suffix)
            for short in shorts:
                aliases.append(short)
                if prefix:
                    aliases.append(prefix + short)
    if name.endswith("新区") and len(name) > 4:
        aliases.append(name[:-2])
    for short in city_short:
        if name.startswith(short) and len(name) > len(short) + 2:
            aliases.append(name[len(short) :])
    return _dedupe(a for a in aliases if a and a != name)


def street_aliases(name: str, district_name: str) -> list[str]:
    aliases: list[str] = []
    core = name
    # jionlp files some zone streets as "<zone full name><street name>".
    if name.startswith(district_name) and len(name) > len(district_name) + 2:
        core = name[len(district_name) :]
        aliases.append(core)
    for marker in ETHNIC_MARKERS:
        suffix = marker + "乡"
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            aliases.append(core[: -len(suffix)] + "乡")
            core = core[: -len(suffix)] + "乡"
    for suffix in ("街道", "镇", "乡"):
        if core.endswith(suffix):
            base = core[: -len(suffix)]
            # A base ending in an admin suffix (阳城区镇 -> 阳城区) would read as
            # a different kind of unit; a single character is no name.
            if len(base) >= 2 and not base.endswith(("区", "县", "市")):
                aliases.append(base)
            break
    return _dedupe(a for a in aliases if a and a != name)


def _dedupe(items: Any) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def _canonical_spelling(name: str, log: Any) -> str:
    """Names as zhtext.normalize will see user text (jionlp has a few traditional forms)."""
    fixed = normalize(name)
    if fixed != name:
        print(f"gazetteer: spelling {name!r} normalised to {fixed!r}", file=log)
    return fixed


def _load_jionlp_tree() -> tuple[dict[str, Any], str]:
    # jionlp prints a banner on import; keep stdout clean for pipelines.
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp  # type: ignore[import-untyped, unused-ignore]

        tree = jionlp.china_location_loader(detail=True)
    try:
        version = metadata.version("jionlp")
    except metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        version = getattr(jionlp, "__version__", "unknown")
    return tree, version


def _load_supplement(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    import yaml  # type: ignore[import-untyped, unused-ignore]

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def other_cities(tree: dict[str, Any], own_city: str) -> list[dict[str, Any]]:
    """Prefecture-level units (and provincially administered ones) outside our city."""
    result = []
    for province in _children(tree):
        pnode = tree[province]
        for city in _children(pnode):
            cnode = pnode[city]
            if PSEUDO_CITY_MARKER in city:
                for child in _children(cnode):
                    ch = cnode[child]
                    aliases = _as_list(ch.get("_alias"))
                    result.append({"name": child, "province": province, "aliases": aliases})
                continue
            if city == own_city:
                continue
            aliases = _as_list(cnode.get("_alias"))
            result.append({"name": city, "province": province, "aliases": aliases})
    return result


def _resolve_collisions(districts: list[dict[str, Any]], log: Any) -> dict[str, list[str]]:
    """Drop aliases that map to two different places at the same level.

    Returns street names/aliases shared by streets in different districts (same
    canonical name, so not dropped, but the district must be asked for).
    """
    district_keys: dict[str, set[str]] = defaultdict(set)
    for d in districts:
        for key in [d["name"], *d["aliases"]]:
            district_keys[key].add(d["name"])
    for d in districts:
        kept = []
        for alias in d["aliases"]:
            owners = district_keys[alias]
            if len(owners) > 1:
                print(
                    f"gazetteer: dropping ambiguous district alias {alias!r}: {sorted(owners)}",
                    file=log,
                )
            else:
                kept.append(alias)
        d["aliases"] = kept

    street_keys: dict[str, set[str]] = defaultdict(set)
    street_districts: dict[str, set[str]] = defaultdict(set)
    for d in districts:
        for s in d["streets"]:
            for key in [s["name"], *s["aliases"]]:
                street_keys[key].add(s["name"])
                street_districts[key].add(d["name"])
    reported: set[str] = set()
    for d in districts:
        for s in d["streets"]:
            kept = []
            for alias in s["aliases"]:
                owners = street_keys[alias]
                if len(owners) > 1 or alias in district_keys:
                    if alias not in reported:
                        reason = (
                            f"names {sorted(owners)}" if len(owners) > 1 else "it names a district"
                        )
                        print(
                            f"gazetteer: dropping ambiguous street alias {alias!r}: {reason}",
                            file=log,
                        )
                        reported.add(alias)
                else:
                    kept.append(alias)
            s["aliases"] = kept
    shared = {
        k: sorted(v)
        for k, v in sorted(street_districts.items())
        if len(v) > 1 and len(street_keys[k]) == 1
    }
    for key, districts_of_key in shared.items():
        print(
            f"gazetteer: street name {key!r} exists in several districts: {districts_of_key}",
            file=log,
        )
    return shared


def _apply_supplement(
    districts: list[dict[str, Any]], supplement: dict[str, Any], log: Any
) -> None:
    by_name = {d["name"]: d for d in districts}
    for zone in supplement.get("zones") or []:
        zone_entry = {
            "name": zone["name"],
            "code": zone.get("code"),
            "kind": zone.get("kind") or district_kind(zone["name"]),
            "aliases": _as_list(zone.get("aliases")),
            "streets": [],
        }
        for spec in zone.get("streets") or []:
            parent = by_name.get(spec["formal_district"])
            street = None
            if parent is not None:
                street = next((s for s in parent["streets"] if s["name"] == spec["name"]), None)
            if parent is None or street is None:
                print(
                    f"gazetteer: supplement street {spec['name']!r} not found under {spec['formal_district']!r}; skipped",
                    file=log,
                )
                continue
            parent["streets"].remove(street)
            street["formal_district"] = parent["name"]
            street["formal_district_code"] = parent["code"]
            zone_entry["streets"].append(street)
        districts.append(zone_entry)
        by_name[zone_entry["name"]] = zone_entry
    for name, extra in (supplement.get("extra_aliases") or {}).items():
        if name in by_name:
            by_name[name]["aliases"] = _dedupe([*by_name[name]["aliases"], *_as_list(extra)])
        else:
            print(
                f"gazetteer: extra_aliases for unknown district {name!r}; skipped",
                file=log,
            )
    dropped = set(_as_list(supplement.get("drop_aliases")))
    for d in districts:
        d["aliases"] = [a for a in d["aliases"] if a not in dropped]
        for s in d["streets"]:
            s["aliases"] = [a for a in s["aliases"] if a not in dropped]


def build(
    province: str = DEFAULT_PROVINCE,
    city: str = DEFAULT_CITY,
    supplement_path: str | None = DEFAULT_SUPPLEMENT,
    log: Any = None,
) -> dict[str, Any]:
    log = log or sys.stderr
    tree, version = _load_jionlp_tree()
    if province not in tree or city not in tree[province]:
        raise SystemExit(f"jionlp has no {province}/{city}")
    cnode = tree[province][city]
    city_aliases = _as_list(cnode.get("_alias"))
    districts: list[dict[str, Any]] = []
    for dname in _children(cnode):
        dnode = cnode[dname]
        streets = []
        for raw_sname in _children(dnode):
            snode = dnode[raw_sname] or {}
            sname = _canonical_spelling(raw_sname, log)
            streets.append(
                {
                    "name": sname,
                    "code": None,
                    "kind": street_kind(sname),
                    "aliases": street_aliases(sname, dname),
                    "communities": [_canonical_spelling(c, log) for c in _children(snode)],
                }
            )
        districts.append(
            {
                "name": dname,
                "code": dnode.get("_admin_code"),
                "kind": district_kind(dname),
                "aliases": district_aliases(dname, dnode.get("_alias"), city_aliases),
                "streets": streets,
            }
        )
    supplement = _load_supplement(supplement_path)
    _apply_supplement(districts, supplement, log)
    shared = _resolve_collisions(districts, log)
    return {
        "province": province,
        "city": {
            "name": city,
            "code": cnode.get("_admin_code"),
            "aliases": city_aliases,
        },
        "source": f"jionlp {version} china_location_loader(detail=True)"
        + (f" + {supplement_path}" if supplement_path else ""),
        "districts": districts,
        "shared_street_names": shared,
        "other_cities": other_cities(tree, city),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the city gazetteer JSON (jionlp + supplement)."
    )
    parser.add_argument("--province", default=DEFAULT_PROVINCE)
    parser.add_argument("--city", default=DEFAULT_CITY)
    parser.add_argument(
        "--supplement", default=DEFAULT_SUPPLEMENT, help="YAML supplement; '' for none"
    )
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    data = build(args.province, args.city, args.supplement or None)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out)
    n_streets = sum(len(d["streets"]) for d in data["districts"])
    print(
        f"gazetteer: wrote {out} ({len(data['districts'])} districts, {n_streets} streets)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
