"""NLU lookup tables, synonyms and jieba dictionary exported from the gazetteer."""

import io
import json

import pytest
import yaml

from gazetteer import build as builder
from gazetteer import export_nlu


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    gaz_path = root / "zhengzhou.json"
    gaz_path.write_text(
        json.dumps(builder.build(log=io.StringIO()), ensure_ascii=False),
        encoding="utf-8",
    )
    assert (
        export_nlu.main(
            [
                "--gazetteer",
                str(gaz_path),
                "--out-dir",
                str(root / "nlu"),
                "--jieba-dir",
                str(root / "jieba"),
            ]
        )
        == 0
    )
    return root


def _examples(block):
    return [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]


def _parsed(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith('version: "3.1"\nnlu:\n')
    return yaml.safe_load(text)["nlu"]


def test_lookup_tables(exported):
    blocks = {b["lookup"]: _examples(b) for b in _parsed(exported / "nlu" / "places_lookup.yml")}
    assert set(blocks) == {"district", "street", "community"}
    assert {"管城回族区", "管城区", "管城", "郑东新区", "港区"} <= set(blocks["district"])
    assert {"花园路街道", "花园路", "郑州经济技术开发区京航街道", "京航街道"} <= set(
        blocks["street"]
    )
    assert "农业院社区" in blocks["community"]
    assert len(blocks["district"]) == len(set(blocks["district"]))


def test_synonyms_map_aliases_to_official_names(exported):
    syn = {b["synonym"]: _examples(b) for b in _parsed(exported / "nlu" / "places_synonyms.yml")}
    assert {"管城区", "管城"} <= set(syn["管城回族区"])
    assert "经开区" in syn["郑州经济技术开发区"]
    assert "花园路" in syn["花园路街道"]
    seen = {}
    for value, examples in syn.items():
        for example in examples:
            assert seen.setdefault(example, value) == value, f"{example} maps to two values"


def test_jieba_dictionary(exported):
    lines = (exported / "jieba" / "places.txt").read_text(encoding="utf-8").splitlines()
    words = {}
    for line in lines:
        word, freq, pos = line.split(" ")
        words[word] = (int(freq), pos)
    assert words["管城回族区"][1] == "ns"
    assert words["花园路街道"][0] >= 100000
    assert {"管城", "花园路", "郑州市", "农业院社区"} <= set(words)
    assert len(words) == len(lines)
