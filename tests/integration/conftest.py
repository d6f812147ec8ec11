"""The whole system on free ports: case store, action server, Rasa, voice gateway.

One stack per test session, started with the same launcher as `make run`,
on a throw-away SQLite database and outbox. `make test` trains the test
model first and passes its path in XF_TEST_MODEL.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from launcher.stack import ROOT, Ports, Stack, default_services

TWILIO_TEST_TOKEN = "integration-twilio-token"
RASA_TEST_TOKEN = "integration-rasa-token"
SERVICE_TEST_TOKEN = "integration-service-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def _endpoints_file(directory: Path, actions_port: int) -> Path:
    path = directory / "endpoints.yml"
    path.write_text(
        "action_endpoint:\n"
        f'  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "tracker_store:\n"
        "  type: SQL\n"
        '  dialect: "sqlite"\n'
        f'  db: "{directory / "tracker.db"}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    model = os.environ.get("XF_TEST_MODEL")
    if not model or not (ROOT / model).exists():
        pytest.fail("XF_TEST_MODEL must name a trained test model; run the suite with `make test`.")
    work = tmp_path_factory.mktemp("stack")
    ports = Ports(rasa=free_port(), actions=free_port(), casestore=free_port(), voice=free_port())
    voice_url = f"http://127.0.0.1:{ports.voice}"
    env = {
        "DATABASE_URL": f"sqlite:///{work / 'casestore.db'}",
        "ACTIONS_OUTBOX": str(work / "outbox.sqlite3"),
        "ACTIONS_OUTBOX_RETRY_S": "1",
        "RASA_TOKEN": RASA_TEST_TOKEN,
        "CASESTORE_SERVICE_TOKEN": SERVICE_TEST_TOKEN,
        "TWILIO_AUTH_TOKEN": TWILIO_TEST_TOKEN,
        "VOICE_PUBLIC_BASE_URL": voice_url,
        "PUBLIC_RASA_URL": f"http://127.0.0.1:{ports.rasa}",
    }
    services = default_services(model, ports, str(_endpoints_file(work, ports.actions)), env)
    running = Stack(services, log_dir=work / "logs")
    running.start()
    try:
        running.wait_healthy(timeout=300)
        yield RunningStack(
            stack=running,
            rasa_url=f"http://127.0.0.1:{ports.rasa}",
            actions_url=f"http://127.0.0.1:{ports.actions}",
            casestore_url=f"http://127.0.0.1:{ports.casestore}",
            voice_url=voice_url,
            rasa_token=RASA_TEST_TOKEN,
            service_token=SERVICE_TEST_TOKEN,
            twilio_auth_token=TWILIO_TEST_TOKEN,
            voice_public_base_url=voice_url,
            log_dir=work / "logs",
        )
    finally:
        running.stop()
