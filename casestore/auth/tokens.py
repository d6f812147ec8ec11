"""Access tokens for staff (JWT, HS256) issued by the OAuth2 password flow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from casestore.core.errors import DomainError

ALGORITHM = "HS256"
AUDIENCE = "casestore-staff"


class InvalidToken(DomainError):
    status_code = 401
    detail = "登录已失效或令牌无效，请重新登录"


@dataclass(frozen=True)
class TokenClaims:
    username: str
    role: str
    unit_code: str


def issue_token(secret: str, claims: TokenClaims, now: datetime, minutes: int) -> str:
    payload = {
        "sub": claims.username,
        "role": claims.role,
        "unit": claims.unit_code,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def read_token(secret: str, token: str) -> TokenClaims:
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE)
        return TokenClaims(payload["sub"], payload["role"], payload["unit"])
    except (jwt.PyJWTError, KeyError) as exc:
        raise InvalidToken() from exc
