"""Schemathesis against the case store's own OpenAPI document: no operation answers 5xx.

Every operation gets a few generated valid and invalid requests (fixed seed), as the
service and as staff of the city, a district and a street, against real and made-up case
numbers and hand-off ids (tests/hostile/casestore_fuzz.py). Whatever a call registered
must be found afterwards as sent. The larger run is ``make bench-hostile``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from casestore.main import create_app
from tests.hostile.casestore_fuzz import (
    Tally,
    Target,
    fuzz_operation,
    hostile_settings,
    operation_label,
    operations,
    running_store,
    submit_open311,
    submit_valid_cases,
    verify_kept,
)

EXAMPLES = 2  # per generation mode, caller and path id; the bench runs more
SEED = 20261126


def _operation_labels() -> list[str]:
    """Collected from the OpenAPI document itself, so a new route is fuzzed without edits."""
    app = create_app(hostile_settings(Path("unused")))  # not started: no database needed
    labels: list[str] = []
    for path, methods in app.openapi()["paths"].items():
        labels.extend(f"{method.upper()} {path}" for method in methods)
    return labels


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    with running_store(tmp_path_factory.mktemp("hostile-schema")) as target:
        yield target


@pytest.mark.parametrize("label", _operation_labels())
def test_no_operation_answers_a_server_error(store: Target, label: str) -> None:
    (operation,) = [op for op in operations(store) if operation_label(op) == label]
    tally = Tally()
    fuzz_operation(store, operation, tally, examples=EXAMPLES, seed=SEED)
    verify_kept(store, tally)
    assert tally.requests > 0
    assert tally.server_errors == []
    assert tally.timeouts == []
    assert tally.lost == []


def test_valid_submissions_with_hostile_text_are_kept_as_sent(store: Target) -> None:
    tally = Tally()
    submit_valid_cases(store, tally, count=15, seed=SEED)
    submit_open311(store, tally, count=15, seed=SEED)
    verify_kept(store, tally)
    assert tally.server_errors == []
    assert {s.kind for s in tally.accepted} == {"case", "open311"}
    assert tally.checked == len(tally.accepted) and tally.lost == []
