"""Settings of the action server, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

DEV_SERVICE_TOKEN = "dev-service-token"


@dataclass(frozen=True)
class Settings:
    casestore_url: str
    casestore_token: str
    casestore_timeout_s: float
    outbox_path: str
    outbox_retry_s: float
    gazetteer_file: str
    production: bool


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings(
        casestore_url=os.environ.get("CASESTORE_URL", "http://127.0.0.1:8000").rstrip("/"),
        casestore_token=os.environ.get("CASESTORE_SERVICE_TOKEN", DEV_SERVICE_TOKEN),
        casestore_timeout_s=float(os.environ.get("CASESTORE_TIMEOUT_S", "3")),
        outbox_path=os.environ.get("ACTIONS_OUTBOX", "var/outbox.sqlite3"),
        outbox_retry_s=float(os.environ.get("ACTIONS_OUTBOX_RETRY_S", "5")),
        gazetteer_file=os.environ.get("GAZETTEER_FILE", "var/gazetteer/zhengzhou.json"),
        production=os.environ.get("XF_ENV", "development") == "production",
    )
    if settings.production and settings.casestore_token == DEV_SERVICE_TOKEN:
        raise RuntimeError(
            "CASESTORE_SERVICE_TOKEN still has its development default; "
            "set a real token in production (XF_ENV=production)."
        )
    return settings
