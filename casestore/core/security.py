"""Personal data protection: encryption at rest, keyed hashes, masking, query codes.

信访人个人信息（姓名、电话、身份证号）加密存储、列表脱敏；查询码只存哈希。
"""

from __future__ import annotations

import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

QUERY_CODE_DIGITS = 6


class PersonalDataCipher:
    """Fernet encryption for name / phone / ID number; the first key encrypts."""

    def __init__(self, keys: list[str]) -> None:
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def encrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            # A key was rotated away: show nothing rather than fail the whole list.
            return None


class KeyedHasher:
    """HMAC-SHA256 with the deployment's hash key, one label per purpose."""

    def __init__(self, key: str) -> None:
        self._key = key.encode("utf-8")

    def _digest(self, label: str, *parts: str) -> bytes:
        message = "\x1f".join((label, *parts)).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def query_code(self, number: str, idempotency_key: str) -> str:
        """The 6-digit 查询码: deterministic, so an idempotent replay can return it again."""
        value = int.from_bytes(self._digest("query-code", number, idempotency_key), "big")
        return f"{value % 10**QUERY_CODE_DIGITS:0{QUERY_CODE_DIGITS}d}"

    def query_code_hash(self, number: str, query_code: str) -> str:
        return self._digest("query-code-hash", number, query_code).hex()

    def query_code_matches(self, number: str, query_code: str, stored_hash: str) -> bool:
        candidate = self.query_code_hash(number, query_code)
        return hmac.compare_digest(candidate.encode("ascii"), stored_hash.encode("ascii"))

    def phone_hash(self, phone: str) -> str:
        """Stable hash of a normalised phone number, for finding repeat petitions (重访)."""
        return self._digest("phone", normalize_phone(phone)).hex()

    def id_hash(self, id_number: str) -> str:
        """Stable hash of an ID number (身份证号), for finding repeat petitions."""
        return self._digest("id-number", id_number.strip().upper()).hex()


def normalize_phone(phone: str) -> str:
    """Digits only, without the +86 / 0086 country prefix of a mobile number."""
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def mask_name(name: str | None) -> str | None:
    """张三 → 张*；欧阳娜娜 → 欧***."""
    if not name:
        return None
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str | None) -> str | None:
    """13812341234 → 138****1234; short numbers keep only their last two digits."""
    if not phone:
        return None
    digits = normalize_phone(phone)
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def mask_id_number(id_number: str | None) -> str | None:
    """410105199001011234 → 410***********1234."""
    if not id_number:
        return None
    if len(id_number) <= 7:
        return "*" * len(id_number)
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:]
