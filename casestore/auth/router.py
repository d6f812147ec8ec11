"""Staff sign-in: OAuth2 password flow (``POST /api/v1/auth/token``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from casestore.auth.dependencies import client_address, current_staff, get_settings
from casestore.auth.service import audit, authenticate
from casestore.auth.tokens import TokenClaims, issue_token
from casestore.cases.constants import ROLE_LABELS
from casestore.cases.lifecycle import Actor
from casestore.cases.service import CaseServices
from casestore.core.errors import DomainError

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    username: str
    role: str
    role_label: str
    unit_code: str
    unit_name: str | None


@router.post("/token", response_model=TokenOut)
def token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    """登录：用户名 + 密码 → 访问令牌 (Bearer)."""
    services: CaseServices = request.app.state.case_services
    settings = get_settings(request)
    now = datetime.now(UTC)
    try:
        with services.sessions() as session:
            user = authenticate(session, form.username[:50], form.password)
            claims = TokenClaims(user.username, user.role, user.unit_code)
    except DomainError:
        audit(
            services.sessions,
            at=now,
            actor="staff:" + form.username[:50].replace("\x00", "\ufffd"),  # storable everywhere
            action="login",
            outcome="denied",
            client=client_address(request),
        )
        raise
    audit(
        services.sessions,
        at=now,
        actor=f"staff:{claims.username}",
        action="login",
        outcome="ok",
        client=client_address(request),
    )
    minutes = settings.access_token_minutes
    secret = settings.casestore_jwt_secret.get_secret_value()
    return TokenOut(access_token=issue_token(secret, claims, now, minutes), expires_in=minutes * 60)


@router.get("/me", response_model=MeOut)
def me(request: Request, actor: Annotated[Actor, Depends(current_staff)]) -> MeOut:
    services: CaseServices = request.app.state.case_services
    node = services.tree.get(actor.unit_code)
    return MeOut(
        username=actor.name,
        role=actor.role or "",
        role_label=ROLE_LABELS.get(actor.role or "", ""),
        unit_code=actor.unit_code or "",
        unit_name=node.name if node else None,
    )
