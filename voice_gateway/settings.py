"""Voice gateway settings: one object, read once at app creation, injected."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Documented development defaults. Production refuses to start with them.
DEV_TWILIO_AUTH_TOKEN = "dev-twilio-auth-token"
DEV_PUBLIC_BASE_URL = "http://127.0.0.1:8080"
DEV_CASESTORE_SERVICE_TOKEN = "dev-service-token"

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

# Twilio answers a webhook with an error after 15 s; stay well inside that.
TWILIO_WEBHOOK_LIMIT_S = 15.0


class Settings(BaseSettings):
    """Environment variables of the voice gateway (names are the upper-case field names)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    xf_env: Literal["development", "production"] = "development"

    # Secret Twilio signs webhooks with (account Auth Token).
    twilio_auth_token: SecretStr = SecretStr(DEV_TWILIO_AUTH_TOKEN)
    # Base URL Twilio uses to reach this service (what the phone number is configured with);
    # signatures are computed over it, and every URL put in TwiML starts with it.
    voice_public_base_url: str = DEV_PUBLIC_BASE_URL

    rasa_url: str = "http://127.0.0.1:5005"
    # Whole-request timeout of one call to Rasa. It may run on in the background after the
    # caller has heard "请稍候": the retry webhook picks the answer up.
    rasa_timeout_s: float = Field(default=30.0, gt=0)
    # Hard deadline for answering a Twilio webhook while waiting for Rasa.
    voice_reply_deadline_s: float = Field(default=8.0, gt=0)
    # How many "请稍候" rounds before apologising and ending the call.
    voice_max_rasa_retries: int = Field(default=3, ge=1, le=10)

    voice_language_recognition: str = "cmn-Hans-CN"
    voice_language_speech: str = "cmn-CN"
    voice_name: str = "Polly.Zhiyu"
    # Seconds of silence that end the caller's utterance. "auto" stops at the first short
    # gap and cannot be tuned; citizens pause while telling a complaint, so 3 s by default.
    voice_speech_timeout: str = "3"
    # Seconds to wait for the caller to start speaking before the no-input path.
    voice_gather_timeout_s: int = Field(default=6, ge=1, le=60)
    # Prompts after silences before a polite goodbye; the last one (from the second on) also
    # offers a person. Default 2: reprompt, then offer a person, then goodbye.
    voice_no_input_reprompts: int = Field(default=2, ge=0, le=5)

    # Staff transfer target: at most one of a phone number (E.164), a SIP URI, a queue name.
    # None in development (the caller is told no one can take the call now and the bot goes
    # on); production refuses to start without one (see _transfer_target_in_production).
    voice_transfer_number: str = ""
    voice_transfer_sip: str = ""
    voice_transfer_queue: str = ""
    # Seconds the staff phone rings before the fallback message.
    voice_dial_timeout_s: int = Field(default=20, ge=5, le=60)
    # Seconds a caller waits in the queue before the fallback message.
    voice_queue_max_wait_s: int = Field(default=90, ge=10, le=900)

    # Case store: handoffs and dropped calls are reported there (fire-and-forget).
    casestore_url: str = "http://127.0.0.1:8000"
    casestore_service_token: SecretStr = SecretStr(DEV_CASESTORE_SERVICE_TOKEN)
    casestore_timeout_s: float = Field(default=2.0, gt=0, le=5)

    gazetteer_file: Path = Path("var/gazetteer/zhengzhou.json")
    # Twilio accepts up to 500 hints of up to 100 characters; stay well below.
    voice_hints_max_entries: int = Field(default=80, ge=0, le=500)
    # In-memory call state is dropped after this many seconds without activity.
    voice_call_state_ttl_s: int = Field(default=7200, ge=60)

    @field_validator("voice_speech_timeout")
    @classmethod
    def _speech_timeout_is_auto_or_seconds(cls, value: str) -> str:
        value = value.strip()
        if value == "auto" or (value.isdigit() and int(value) > 0):
            return value
        raise ValueError('VOICE_SPEECH_TIMEOUT must be "auto" or a positive number of seconds')

    @field_validator("voice_transfer_number")
    @classmethod
    def _number_is_e164(cls, value: str) -> str:
        value = value.strip().replace(" ", "").replace("-", "")
        if value and not _E164.match(value):
            raise ValueError("VOICE_TRANSFER_NUMBER must be an E.164 number such as +8637112345678")
        return value

    @field_validator("voice_transfer_sip")
    @classmethod
    def _sip_uri(cls, value: str) -> str:
        value = value.strip()
        if value and (not value.startswith(("sip:", "sips:")) or "?" in value):
            raise ValueError(
                "VOICE_TRANSFER_SIP must be a sip: URI without headers, e.g. sip:staff@pbx.example"
            )
        return value

    @field_validator("voice_transfer_queue")
    @classmethod
    def _queue_name(cls, value: str) -> str:
        value = value.strip()
        if len(value) > 64:
            raise ValueError("VOICE_TRANSFER_QUEUE must be at most 64 characters")
        return value

    @field_validator("voice_public_base_url", "rasa_url", "casestore_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http(s) URL")
        return value

    @model_validator(mode="after")
    def _deadline_inside_twilio_limit(self) -> Settings:
        if self.voice_reply_deadline_s > TWILIO_WEBHOOK_LIMIT_S - 3:
            raise ValueError(
                f"VOICE_REPLY_DEADLINE_S must be at most {TWILIO_WEBHOOK_LIMIT_S - 3:g} s "
                "(Twilio gives up on a webhook after 15 s)"
            )
        return self

    @model_validator(mode="after")
    def _one_transfer_target(self) -> Settings:
        given = [
            name
            for name, value in (
                ("VOICE_TRANSFER_NUMBER", self.voice_transfer_number),
                ("VOICE_TRANSFER_SIP", self.voice_transfer_sip),
                ("VOICE_TRANSFER_QUEUE", self.voice_transfer_queue),
            )
            if value
        ]
        if len(given) > 1:
            raise ValueError("set only one staff transfer target, not " + " and ".join(given))
        return self

    @model_validator(mode="after")
    def _no_dev_defaults_in_production(self) -> Settings:
        if self.xf_env != "production":
            return self
        problems = []
        if self.twilio_auth_token.get_secret_value() in ("", DEV_TWILIO_AUTH_TOKEN):
            problems.append("TWILIO_AUTH_TOKEN is the development default; set the real Auth Token")
        if self.voice_public_base_url == DEV_PUBLIC_BASE_URL:
            problems.append(
                "VOICE_PUBLIC_BASE_URL is the development default; set the public https URL "
                "Twilio calls (signatures are checked against it)"
            )
        if self.casestore_service_token.get_secret_value() in ("", DEV_CASESTORE_SERVICE_TOKEN):
            problems.append("CASESTORE_SERVICE_TOKEN is the development default")
        if not (self.voice_transfer_number or self.voice_transfer_sip or self.voice_transfer_queue):
            # A public hotline must be able to put a caller (an emergency) through to a person.
            problems.append(
                "no staff transfer target; set VOICE_TRANSFER_NUMBER, VOICE_TRANSFER_SIP "
                "or VOICE_TRANSFER_QUEUE"
            )
        if problems:
            raise ValueError("refusing to start with XF_ENV=production: " + "; ".join(problems))
        return self
