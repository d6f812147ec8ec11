"""The template generator of training data, and the held-out set it must avoid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from nlu_data.generate import generate

INTENTS = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "file_complaint",
    "give_suggestion",
    "ask_policy",
    "query_case",
    "urge_case",
    "evaluate_case",
    "request_review",
    "request_human",
    "emergency",
    "litigation_matter",
    "inform",
    "bot_challenge",
    "out_of_scope",
    "stop",
}
GAZETTEER = Path("var/gazetteer/zhengzhou.json")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not GAZETTEER.exists():
        pytest.fail("var/gazetteer/zhengzhou.json is missing: run `make gazetteer`")
    out = tmp_path_factory.mktemp("gen") / "generated_nlu.yml"
    gen = generate.Gen(json.loads(GAZETTEER.read_text(encoding="utf-8")))
    generate.write(generate.build(gen), out)
    return out


def test_generated_data_loads_and_covers_every_intent(generated: Path) -> None:
    data = load_data(str(generated))
    counts = {}
    for example in data.training_examples:
        counts[example.get("intent")] = counts.get(example.get("intent"), 0) + 1
    assert set(counts) == INTENTS
    assert counts["file_complaint"] >= 250 and counts["inform"] >= 200
    values = {
        (e["entity"], e["value"]) for x in data.training_examples for e in x.get("entities") or []
    }
    assert ("district", "管城回族区") in values or any(v == "管城回族区" for _, v in values)
    assert any(e == "phone_number" for e, _ in values)


@pytest.mark.parametrize(
    "name, minimum",
    [
        ("heldout.yml", 150),
        ("heldout_fresh.yml", 250),
        ("heldout_fresh2.yml", 250),
        ("heldout_fresh3.yml", 300),
        ("heldout_fresh4.yml", 300),
        ("heldout_fresh5.yml", 300),
        ("heldout_fresh6.yml", 300),
        ("heldout_fresh7.yml", 300),
        ("heldout_fresh8.yml", 300),
    ],
)
def test_the_held_out_sets_are_never_generated(generated: Path, name: str, minimum: int) -> None:
    held_out = load_data(str(Path("tests/nlu_heldout") / name))
    held = {re.sub(r"\W", "", x.get("text")) for x in held_out.training_examples}
    train = load_data(str(generated)).training_examples
    for hand_written in sorted(Path("nlu_data").glob("nlu*.yml")):
        train += load_data(str(hand_written)).training_examples
    overlap = [x.get("text") for x in train if re.sub(r"\W", "", x.get("text")) in held]
    assert not overlap
    assert len(held_out.training_examples) >= minimum
