import pytest
from pydantic import ValidationError

from voice_gateway.main import create_app
from voice_gateway.settings import Settings

VOICE_ENV = (
    "XF_ENV",
    "TWILIO_AUTH_TOKEN",
    "VOICE_PUBLIC_BASE_URL",
    "RASA_URL",
    "VOICE_SPEECH_TIMEOUT",
    "VOICE_REPLY_DEADLINE_S",
    "VOICE_TRANSFER_NUMBER",
    "VOICE_TRANSFER_SIP",
    "VOICE_TRANSFER_QUEUE",
    "CASESTORE_URL",
    "CASESTORE_SERVICE_TOKEN",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in VOICE_ENV:
        monkeypatch.delenv(name, raising=False)


def test_development_defaults():
    settings = Settings()
    assert settings.twilio_auth_token.get_secret_value() == "dev-twilio-auth-token"
    assert settings.voice_public_base_url == "http://127.0.0.1:8080"
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.voice_language_recognition == "cmn-Hans-CN"
    assert settings.voice_language_speech == "cmn-CN"
    assert settings.voice_name == "Polly.Zhiyu"
    assert settings.voice_speech_timeout == "3"
    assert settings.voice_reply_deadline_s == 8.0
    assert settings.voice_no_input_reprompts == 2
    assert settings.casestore_url == "http://127.0.0.1:8000"
    assert settings.casestore_service_token.get_secret_value() == "dev-service-token"
    # No staff target in development: callers are told a person cannot take the call now.
    assert (
        settings.voice_transfer_number,
        settings.voice_transfer_sip,
        settings.voice_transfer_queue,
    ) == ("", "", "")


def test_env_vars_are_read(monkeypatch):
    monkeypatch.setenv("RASA_URL", "http://rasa:5005/")
    monkeypatch.setenv("VOICE_SPEECH_TIMEOUT", "auto")
    settings = Settings()
    assert settings.rasa_url == "http://rasa:5005"
    assert settings.voice_speech_timeout == "auto"


@pytest.mark.parametrize("value", ["0", "-1", "soon", "2.5"])
def test_speech_timeout_must_be_auto_or_whole_seconds(value):
    with pytest.raises(ValidationError, match="VOICE_SPEECH_TIMEOUT"):
        Settings(voice_speech_timeout=value)


def test_deadline_must_stay_inside_twilio_limit():
    with pytest.raises(ValidationError, match="VOICE_REPLY_DEADLINE_S"):
        Settings(voice_reply_deadline_s=14)


def test_production_refuses_dev_defaults_at_startup(monkeypatch):
    monkeypatch.setenv("XF_ENV", "production")
    with pytest.raises(ValidationError) as error:
        create_app()
    message = str(error.value)
    assert "TWILIO_AUTH_TOKEN" in message
    assert "VOICE_PUBLIC_BASE_URL" in message
    assert "CASESTORE_SERVICE_TOKEN" in message
    assert "no staff transfer target" in message


def test_production_starts_with_real_values(monkeypatch):
    monkeypatch.setenv("XF_ENV", "production")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "a-real-token")
    monkeypatch.setenv("VOICE_PUBLIC_BASE_URL", "https://voice.example.gov.cn")
    monkeypatch.setenv("CASESTORE_SERVICE_TOKEN", "a-real-service-token")
    monkeypatch.setenv("VOICE_TRANSFER_QUEUE", "xf-hotline")
    assert create_app().state.settings.xf_env == "production"


@pytest.mark.parametrize("number", ["+86 371 1234 5678", "+8613800138000"])
def test_transfer_number_is_e164(number):
    assert Settings(voice_transfer_number=number).voice_transfer_number.startswith("+86")


@pytest.mark.parametrize("number", ["13800138000", "+0123", "call me", "+86abc12345"])
def test_transfer_number_must_be_e164(number):
    with pytest.raises(ValidationError, match="E.164"):
        Settings(voice_transfer_number=number)


@pytest.mark.parametrize("sip", ["staff@pbx.example", "sip:staff@pbx.example?X-A=1"])
def test_transfer_sip_must_be_a_plain_sip_uri(sip):
    with pytest.raises(ValidationError, match="VOICE_TRANSFER_SIP"):
        Settings(voice_transfer_sip=sip)


def test_only_one_transfer_target():
    with pytest.raises(ValidationError, match="only one staff transfer target"):
        Settings(voice_transfer_number="+8637112345678", voice_transfer_queue="xf")
