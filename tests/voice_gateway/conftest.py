"""Fixtures for the voice gateway tests: settings, an app client, and stand-ins for a Rasa
that is down (a closed port) or hangs (a listener that records requests and never answers)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.voice_gateway.voice_support import (
    AUTH_TOKEN,
    LOCAL_BASE_URL,
    PUBLIC_BASE_URL,
    HangingServer,
    JsonServer,
    free_port,
)
from voice_gateway.main import create_app
from voice_gateway.settings import Settings


@pytest.fixture
def hanging_rasa() -> Iterator[HangingServer]:
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def casestore() -> Iterator[JsonServer]:
    """A case store that accepts every handoff report (201) and records it."""
    server = JsonServer()
    yield server
    server.close()


@pytest.fixture
def closed_port_url() -> str:
    """A local URL nothing listens on: Rasa is down."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def make_settings(tmp_path: Path, casestore: JsonServer) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "casestore_url": casestore.url,
            "casestore_service_token": "test-service-token",
            "xf_env": "development",
            "twilio_auth_token": AUTH_TOKEN,
            "voice_public_base_url": PUBLIC_BASE_URL,
            "rasa_url": f"http://127.0.0.1:{free_port()}",
            "rasa_timeout_s": 5.0,
            "voice_reply_deadline_s": 0.5,
            "gazetteer_file": tmp_path / "no-gazetteer.json",
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def make_client(
    make_settings: Callable[..., Settings],
) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)), base_url=LOCAL_BASE_URL)
        client.__enter__()  # run the lifespan: the Rasa HTTP client and call flow
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)
