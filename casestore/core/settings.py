"""The one settings object of the case store, read from environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Documented development defaults. XF_ENV=production refuses every one of them.
DEV_SERVICE_TOKEN = "dev-service-token"
DEV_DATA_KEY = "eGYtZGV2LWRhdGEta2V5LW5vdC1mb3ItcHJvZCEhISE="  # Fernet key, dev only
DEV_HASH_KEY = "dev-hash-key"

_DEV_SECRETS = {
    "CASESTORE_SERVICE_TOKEN": DEV_SERVICE_TOKEN,
    "CASESTORE_DATA_KEY": DEV_DATA_KEY,
    "CASESTORE_HASH_KEY": DEV_HASH_KEY,
}


class InsecureSettingsError(RuntimeError):
    """Raised when production would start with a development secret."""


class Settings(BaseSettings):
    """Case store configuration; env var names are the upper-case field names."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    xf_env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///var/casestore.db"
    casestore_service_token: SecretStr = SecretStr(DEV_SERVICE_TOKEN)
    # One or more Fernet keys, comma-separated; the first encrypts, all decrypt (key rotation).
    casestore_data_key: SecretStr = SecretStr(DEV_DATA_KEY)
    # HMAC key for query codes (查询码) and phone hashes.
    casestore_hash_key: SecretStr = SecretStr(DEV_HASH_KEY)
    gazetteer_file: Path = Path("var/gazetteer/zhengzhou.json")
    # Used only when the gazetteer file is missing: the city unit still exists.
    fallback_city_code: str = "410100"
    fallback_city_name: str = "郑州市"
    # 受理告知期限: days from registration to decide on acceptance.
    accept_days: int = Field(default=15, ge=1, le=365)
    case_timezone: str = "Asia/Shanghai"
    public_rasa_url: str = "http://127.0.0.1:5005"
    web_dir: Path = Path("web")

    @field_validator("casestore_data_key")
    @classmethod
    def _valid_fernet_keys(cls, value: SecretStr) -> SecretStr:
        keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()]
        if not keys:
            raise ValueError("CASESTORE_DATA_KEY is empty")
        for key in keys:
            try:
                Fernet(key)
            except ValueError as exc:
                raise ValueError(
                    "CASESTORE_DATA_KEY must be Fernet keys (32 url-safe base64 bytes), "
                    "e.g. from `python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`"
                ) from exc
        return value

    @field_validator("casestore_hash_key", "casestore_service_token")
    @classmethod
    def _not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("case_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @property
    def is_production(self) -> bool:
        return self.xf_env == "production"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.case_timezone)

    @property
    def data_keys(self) -> list[str]:
        return [
            k.strip() for k in self.casestore_data_key.get_secret_value().split(",") if k.strip()
        ]

    def dev_defaults_in_use(self) -> list[str]:
        """Names of secrets still set to their documented development default."""
        values = {
            "CASESTORE_SERVICE_TOKEN": self.casestore_service_token.get_secret_value(),
            "CASESTORE_DATA_KEY": self.casestore_data_key.get_secret_value(),
            "CASESTORE_HASH_KEY": self.casestore_hash_key.get_secret_value(),
        }
        in_use = []
        for name, value in values.items():
            parts = {p.strip() for p in value.split(",")}
            if _DEV_SECRETS[name] in parts:
                in_use.append(name)
        return in_use

    def ensure_safe_for_environment(self) -> None:
        """Refuse to run production with development secrets."""
        if self.is_production and (names := self.dev_defaults_in_use()):
            raise InsecureSettingsError(
                "XF_ENV=production but these secrets still have their development "
                f"defaults: {', '.join(names)}. Set them to real secret values."
            )
