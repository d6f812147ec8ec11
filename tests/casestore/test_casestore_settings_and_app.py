"""Settings safety, static page mount, public config, lifecycle rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from casestore.cases.lifecycle import TransitionNotAllowed, next_state
from casestore.core.settings import InsecureSettingsError, Settings
from casestore.main import create_app
from tests.casestore.casestore_support import MakeClient, MakeSettings


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type, call-arg]


def test_production_refuses_dev_secrets() -> None:
    with pytest.raises(InsecureSettingsError) as info:
        create_app(_settings(xf_env="production", casestore_service_token="real-token-123"))
    assert "CASESTORE_DATA_KEY" in str(info.value)
    assert "CASESTORE_HASH_KEY" in str(info.value)
    assert "CASESTORE_SERVICE_TOKEN" not in str(info.value)


def test_production_starts_with_real_secrets() -> None:
    settings = _settings(
        xf_env="production",
        casestore_service_token="real-token-123",
        casestore_data_key=Fernet.generate_key().decode(),
        casestore_hash_key="real-hash-key",
        casestore_jwt_secret="real-jwt-secret",
        open311_api_key="real-open311-key",
        rasa_token="real-rasa-token",
        casestore_demo_staff=False,
    )
    create_app(settings)  # no DB work until startup


def test_production_refuses_demo_staff_with_the_dev_password() -> None:
    settings = _settings(
        xf_env="production",
        casestore_service_token="real-token-123",
        casestore_data_key=Fernet.generate_key().decode(),
        casestore_hash_key="real-hash-key",
        casestore_jwt_secret="real-jwt-secret",
        open311_api_key="real-open311-key",
    )
    with pytest.raises(InsecureSettingsError, match="CASESTORE_DEMO_PASSWORD"):
        create_app(settings)


def test_bad_data_key_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="Fernet"):
        _settings(casestore_data_key="not-a-key")


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCEPT_DAYS", "10")
    monkeypatch.setenv("PUBLIC_RASA_URL", "http://rasa.example:5005")
    settings = _settings()
    assert settings.accept_days == 10
    assert settings.public_rasa_url == "http://rasa.example:5005"


def test_web_page_is_served_at_root_after_the_api(
    make_settings: MakeSettings, make_client: MakeClient, tmp_path: Path
) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<html><body>智慧信访</body></html>", encoding="utf-8")
    client = make_client(make_settings(web_dir=web, public_rasa_url="http://rasa.test:5005"))

    page = client.get("/")
    assert page.status_code == 200 and "智慧信访" in page.text
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/api/v1/public-config").json() == {
        "rasa_socket_url": "http://rasa.test:5005"
    }
    missing = client.get("/nothing.js")
    assert missing.status_code == 404 and missing.json()["detail"]


def test_lifecycle_rules() -> None:
    assert next_state("registered", "accept") == "accepted"
    assert next_state("in_progress", "reply") == "replied"
    with pytest.raises(TransitionNotAllowed):
        next_state("registered", "reply")
    with pytest.raises(TransitionNotAllowed):
        next_state("closed", "unknown-action")
