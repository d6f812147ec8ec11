"""FastAPI dependencies for authentication (walking skeleton: one service token)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from casestore.auth.models import StaffUser
from casestore.auth.tokens import InvalidToken, read_token
from casestore.cases.lifecycle import Actor
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


def service_token_given(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> bool:
    """True when the caller sent the service token (trusted: action server, voice gateway)."""
    if credentials is None:
        return False
    expected = get_settings(request).casestore_service_token.get_secret_value()
    return hmac.compare_digest(credentials.credentials.encode("utf-8"), expected.encode("utf-8"))


def current_staff(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The signed-in staff member (OAuth2 bearer token from ``POST /api/v1/auth/token``)."""
    if credentials is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="请先登录（缺少访问令牌）",
            headers={"WWW-Authenticate": "Bearer"},
        )
    settings = get_settings(request)
    claims = read_token(settings.casestore_jwt_secret.get_secret_value(), credentials.credentials)
    sessions: sessionmaker[Session] = request.app.state.case_services.sessions
    with sessions() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == claims.username))
        if user is None or not user.active:
            raise InvalidToken("账号不存在或已停用")
        return Actor("staff", user.username, user.role, user.unit_code)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
