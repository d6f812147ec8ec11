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
DEV_JWT_SECRET = "dev-jwt-secret-not-for-production"
DEV_DEMO_PASSWORD = "dev-staff-password"
DEV_OPEN311_API_KEY = "dev-open311-key"

_DEV_SECRETS = {
    "CASESTORE_SERVICE_TOKEN": DEV_SERVICE_TOKEN,
    "CASESTORE_DATA_KEY": DEV_DATA_KEY,
    "CASESTORE_HASH_KEY": DEV_HASH_KEY,
    "CASESTORE_JWT_SECRET": DEV_JWT_SECRET,
    "CASESTORE_DEMO_PASSWORD": DEV_DEMO_PASSWORD,
    "OPEN311_API_KEY": DEV_OPEN311_API_KEY,
    "RASA_TOKEN": "dev-rasa-token",
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

    # Time limits (期限, calendar days; 《信访工作条例》 defaults, see shared/spec/domain.md).
    handle_days: int = Field(default=60, ge=1, le=365)  # 办理答复
    extension_max_days: int = Field(default=30, ge=1, le=365)  # 延期（一次）
    review_request_days: int = Field(default=30, ge=1, le=365)  # 申请复查
    review_days: int = Field(default=30, ge=1, le=365)  # 复查意见
    recheck_request_days: int = Field(default=30, ge=1, le=365)  # 申请复核
    recheck_days: int = Field(default=30, ge=1, le=365)  # 复核意见
    evaluation_days: int = Field(default=7, ge=1, le=365)  # 超期未评价
    # 督办 scan: seconds between background runs; 0 = only at startup and via the CLI.
    supervise_interval_seconds: int = Field(default=3600, ge=0)

    # Staff access (OAuth2 password flow, JWT HS256).
    casestore_jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    access_token_minutes: int = Field(default=480, ge=1, le=10_080)
    # Demo staff accounts (password below) are created at startup when enabled.
    casestore_demo_staff: bool = True
    casestore_demo_password: SecretStr = SecretStr(DEV_DEMO_PASSWORD)

    # Citizen look-up attempt limiting (wrong query codes / phones).
    lookup_max_failures_per_number: int = Field(default=5, ge=1)
    lookup_max_failures_per_client: int = Field(default=20, ge=1)
    lookup_window_seconds: int = Field(default=900, ge=1)

    # Repeat petitions (重访).
    repeat_window_days: int = Field(default=180, ge=1)
    repeat_matter_similarity: float = Field(default=0.2, ge=0.0, le=1.0)
    repeat_person_similarity: float = Field(default=0.1, ge=0.0, le=1.0)

    routing_rules_file: Path | None = None  # default: casestore/units/routing_rules.json
    open311_api_key: SecretStr = SecretStr(DEV_OPEN311_API_KEY)
    # Level-1 categories for Open311 services (shipped with the bot's category model).
    taxonomy_file: Path | None = None  # default: bot/category/data/taxonomy.csv
    public_rasa_url: str = "http://127.0.0.1:5005"
    web_dir: Path = Path("web")
    console_dir: Path = Path("console")
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: SecretStr = SecretStr("dev-rasa-token")

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

    @field_validator(
        "casestore_hash_key", "casestore_service_token", "casestore_jwt_secret", "open311_api_key"
    )
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
            "CASESTORE_JWT_SECRET": self.casestore_jwt_secret.get_secret_value(),
            "OPEN311_API_KEY": self.open311_api_key.get_secret_value(),
            "RASA_TOKEN": self.rasa_token.get_secret_value(),
        }
        if self.casestore_demo_staff:
            values["CASESTORE_DEMO_PASSWORD"] = self.casestore_demo_password.get_secret_value()
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
