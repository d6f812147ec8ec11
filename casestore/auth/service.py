"""Staff accounts (工作人员账号), sign-in, demo accounts and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from casestore.auth.models import AuditEntry, StaffUser
from casestore.auth.passwords import hash_password, verify_password
from casestore.cases.constants import Role
from casestore.core.errors import DomainError
from casestore.core.logging import get_logger
from casestore.units.tree import UnitTree

logger = get_logger(__name__)

# Spent on unknown user names too, so timing does not reveal which names exist.
_DUMMY_HASH = hash_password("not-a-real-password")


class BadCredentials(DomainError):
    status_code = 401
    detail = "用户名或密码不正确"


class UserExists(DomainError):
    status_code = 409
    detail = "该用户名已存在"


def authenticate(session: Session, username: str, password: str) -> StaffUser:
    if "\x00" in username:  # no account has one, and PostgreSQL cannot even compare it
        verify_password(password, _DUMMY_HASH)
        raise BadCredentials()
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        verify_password(password, _DUMMY_HASH)
        raise BadCredentials()
    if not verify_password(password, user.password_hash) or not user.active:
        raise BadCredentials()
    return user


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    unit_code: str,
    now: datetime,
) -> StaffUser:
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise UserExists()
    user = StaffUser(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role.value,
        unit_code=unit_code,
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    unit_code: str


def demo_accounts(tree: UnitTree) -> list[DemoAccount]:
    """City, one district (金水区 when present) and one of its streets and departments."""
    city = tree.root_code
    governments = [
        n for n in tree.nodes.values() if n.parent_code == city and n.kind != "department"
    ]
    governments.sort(key=lambda n: (n.code != "410105", n.code))
    accounts = [
        DemoAccount("admin", "系统管理员", Role.ADMIN, city),
        DemoAccount("city.operator", "市级接线员", Role.OPERATOR, city),
        DemoAccount("city.supervisor", "市级督办", Role.SUPERVISOR, city),
    ]
    if not governments:
        return accounts
    district = governments[0]
    accounts += [
        DemoAccount("district.operator", f"{district.name}接线员", Role.OPERATOR, district.code),
        DemoAccount("district.handler", f"{district.name}承办人", Role.HANDLER, district.code),
        DemoAccount("district.supervisor", f"{district.name}督办", Role.SUPERVISOR, district.code),
    ]
    streets = sorted(
        n.code
        for n in tree.nodes.values()
        if n.parent_code == district.code and n.level == "street"
    )
    if streets:
        accounts += [
            DemoAccount("street.operator", "街道接线员", Role.OPERATOR, streets[0]),
            DemoAccount("street.handler", "街道承办人", Role.HANDLER, streets[0]),
        ]
    housing = tree.department_of(district.code, "housing")
    if housing:
        accounts.append(DemoAccount("dept.handler", "区住建局承办人", Role.HANDLER, housing))
    return accounts


def ensure_demo_staff(session: Session, tree: UnitTree, password: str, now: datetime) -> int:
    """Create the demo accounts that do not exist yet (never resets a password)."""
    created = 0
    for account in demo_accounts(tree):
        exists = session.scalar(select(StaffUser.id).where(StaffUser.username == account.username))
        if exists is None:
            create_user(
                session,
                username=account.username,
                display_name=account.display_name,
                password=password,
                role=account.role,
                unit_code=account.unit_code,
                now=now,
            )
            created += 1
    if created:
        logger.info("%d demo staff accounts created (development only)", created)
    return created


def audit(
    sessions: sessionmaker[Session],
    *,
    at: datetime,
    actor: str,
    action: str,
    outcome: str,
    case_number: str | None = None,
    detail: str | None = None,
    client: str | None = None,
) -> None:
    """Write one audit entry in its own transaction (kept even when the action failed)."""
    with sessions() as session:
        session.add(
            AuditEntry(
                at=at,
                actor=actor[:100],
                action=action[:50],
                case_number=case_number,
                outcome=outcome,
                detail=detail[:500] if detail else None,
                client=client[:100] if client else None,
            )
        )
        session.commit()
