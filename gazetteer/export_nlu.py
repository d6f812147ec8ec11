"""Export gazetteer names as Rasa NLU lookup tables, synonyms and a jieba user dictionary.

Usage (svc env; no Rasa import)::

    python -m gazetteer.export_nlu --gazetteer var/gazetteer/zhengzhou.json \
        --out-dir var/nlu_generated --jieba-dir var/jieba_dict

Writes ``<out-dir>/places_lookup.yml``, ``<out-dir>/places_synonyms.yml`` and
``<jieba-dir>/places.txt``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gazetteer import Gazetteer, load

DEFAULT_GAZETTEER = "var/gazetteer/zhengzhou.json"
DEFAULT_OUT_DIR = "var/nlu_generated"
DEFAULT_JIEBA_DIR = "var/jieba_dict"
LOOKUP_FILE = "places_lookup.yml"
SYNONYM_FILE = "places_synonyms.yml"
JIEBA_FILE = "places.txt"
# High enough that jieba keeps a place name as one token against its
# built-in dictionary (most common words there are below 1e5).
JIEBA_FREQ = 200000
JIEBA_POS = "ns"
HEADER = 'version: "3.1"\nnlu:\n'


def _usable(name: str) -> bool:
    # A block literal item must be one line; jieba's format is space-separated.
    return bool(name) and not any(ch.isspace() for ch in name)


def _block(kind: str, value: str, examples: list[str]) -> str:
    lines = [f"- {kind}: {json.dumps(value, ensure_ascii=False)}", "  examples: |"]
    lines += [f"    - {e}" for e in examples]
    return "\n".join(lines) + "\n"


def lookup_tables(gaz: Gazetteer) -> dict[str, list[str]]:
    districts = [n for n in gaz.all_names("district") if _usable(n)]
    streets = [n for n in gaz.all_names("street") if _usable(n)]
    taken = set(districts) | set(streets)
    # A community spelled like a district/street would be mapped to that unit
    # by the synonym mapper, so the higher level keeps the string.
    communities = [n for n in gaz.all_names("community") if _usable(n) and n not in taken]
    return {"district": districts, "street": streets, "community": communities}


def synonyms(gaz: Gazetteer) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for d in gaz.districts:
        result.setdefault(d.name, []).extend(a for a in d.aliases if _usable(a))
        for s in d.streets:
            bucket = result.setdefault(s.name, [])
            bucket.extend(a for a in s.aliases if _usable(a) and a not in bucket)
    return {k: v for k, v in result.items() if v}


def render_lookup(gaz: Gazetteer) -> str:
    return HEADER + "".join(_block("lookup", k, v) for k, v in lookup_tables(gaz).items() if v)


def render_synonyms(gaz: Gazetteer) -> str:
    return HEADER + "".join(_block("synonym", k, v) for k, v in synonyms(gaz).items())


def render_jieba(gaz: Gazetteer) -> str:
    words: dict[str, None] = dict.fromkeys([gaz.city_name, *gaz.city_aliases])
    for entity in ("district", "street", "community"):
        words.update(dict.fromkeys(gaz.all_names(entity)))
    return "".join(f"{w} {JIEBA_FREQ} {JIEBA_POS}\n" for w in words if _usable(w) and len(w) >= 2)


def export(gazetteer_path: str, out_dir: str, jieba_dir: str) -> list[Path]:
    gaz = load(gazetteer_path)
    outputs = [
        (Path(out_dir) / LOOKUP_FILE, render_lookup(gaz)),
        (Path(out_dir) / SYNONYM_FILE, render_synonyms(gaz)),
        (Path(jieba_dir) / JIEBA_FILE, render_jieba(gaz)),
    ]
    for path, text in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [p for p, _ in outputs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export gazetteer names for Rasa NLU and jieba.")
    parser.add_argument("--gazetteer", default=DEFAULT_GAZETTEER)
    parser.add_argument("--out-dir", default=DEFAULT_OUT_DIR)
    parser.add_argument("--jieba-dir", default=DEFAULT_JIEBA_DIR)
    args = parser.parse_args(argv)
    for path in export(args.gazetteer, args.out_dir, args.jieba_dir):
        print(f"gazetteer: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
