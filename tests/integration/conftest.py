"""The whole system on free ports: case store, action server, Rasa, voice gateway.

One stack per test session, started with the same launcher as `make run`,
on throw-away SQLite storage. `make test` trains the test model first and
passes its path in XF_TEST_MODEL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from launcher.stack import ROOT, Stack, isolated_stack

TWILIO_TEST_TOKEN = "integration-twilio-token"
RASA_TEST_TOKEN = "integration-rasa-token"
SERVICE_TEST_TOKEN = "integration-service-token"


@dataclass
class RunningStack:
    stack: Stack
    rasa_url: str
    actions_url: str
    casestore_url: str
    voice_url: str
    rasa_token: str
    service_token: str
    twilio_auth_token: str
    voice_public_base_url: str
    log_dir: Path


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    model = os.environ.get("XF_TEST_MODEL")
    if not model or not (ROOT / model).exists():
        pytest.fail("XF_TEST_MODEL must name a trained test model; run the suite with `make test`.")
    system = isolated_stack(
        model,
        tmp_path_factory.mktemp("stack"),
        {
            "ACTIONS_OUTBOX_RETRY_S": "1",
            "RASA_TOKEN": RASA_TEST_TOKEN,
            "CASESTORE_SERVICE_TOKEN": SERVICE_TEST_TOKEN,
            "TWILIO_AUTH_TOKEN": TWILIO_TEST_TOKEN,
        },
    )
    system.stack.start()
    try:
        system.stack.wait_healthy(timeout=300)
        yield RunningStack(
            stack=system.stack,
            rasa_url=system.url("rasa"),
            actions_url=system.url("actions"),
            casestore_url=system.url("casestore"),
            voice_url=system.url("voice"),
            rasa_token=RASA_TEST_TOKEN,
            service_token=SERVICE_TEST_TOKEN,
            twilio_auth_token=TWILIO_TEST_TOKEN,
            voice_public_base_url=system.url("voice"),
            log_dir=system.work_dir / "logs",
        )
    finally:
        system.stack.stop()
