"""FastAPI dependencies for authentication (walking skeleton: one service token)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from casestore.core.settings import Settings

_bearer = HTTPBearer(auto_error=False)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def require_service_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Trusted callers (action server, staff tools) send ``Authorization: Bearer <CASESTORE_SERVICE_TOKEN>``."""
    expected = get_settings(request).casestore_service_token.get_secret_value()
    given = credentials.credentials if credentials else ""
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="服务令牌缺失或不正确",
            headers={"WWW-Authenticate": "Bearer"},
        )
