"""Phone numbers, resident ID numbers and case numbers: extraction and log masking."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from zhtext.normalize import normalize
from zhtext.numbers import spoken_digits_to_digits

_SEP = r"[\s\-]?"
_MOBILE_RE = re.compile(rf"(?<!\d)(?:(?:\+|00)?86{_SEP})?(1[3-9](?:{_SEP}\d){{9}})(?!\d)")
_FIXED_RE = re.compile(
    rf"(?<!\d)(?:\(|（)?(0[1-9]\d{{1,2}})(?:\)|）)?{_SEP}([2-9](?:{_SEP}\d){{6,7}})(?!\d)"
)
_LOCAL_RE = re.compile(r"(?<!\d)([2-9]\d{7})(?!\d)")
_ID_RE = re.compile(rf"(?<![0-9A-Za-z])(\d(?:{_SEP}\d){{16}}{_SEP}[\dXx叉])(?![0-9A-Za-z])")
_CASE_XF_RE = re.compile(rf"(?<![A-Za-z])XF\s*(\d(?:{_SEP}\d){{11}})(?!\d)", re.IGNORECASE)
_CASE_BARE_RE = re.compile(r"(?<!\d)(\d{12})(?!\d)")
_NOT_DIGIT = re.compile(r"[^\dX]")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def _prepare(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    return spoken_digits_to_digits(normalize(text))


def _digits(s: str) -> str:
    return _NOT_DIGIT.sub("", s.upper().replace("叉", "X"))


def extract_phone(text: Any) -> str | None:
    """First mobile (11 digits) or fixed-line number in ``text``, digits only.

    Fixed lines keep their area code (037167891234); a bare 8-digit local
    number counts only when it is the only number in the text.
    """
    prepared = _prepare(text)
    found = _MOBILE_RE.search(prepared)
    if found:
        return _digits(found.group(1))
    found = _FIXED_RE.search(prepared)
    if found:
        return _digits(found.group(1) + found.group(2))
    local = _LOCAL_RE.search(prepared)
    if local and len(_digits(prepared)) == 8:
        return local.group(1)
    return None


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _valid_date(yyyymmdd: str, first_year: int, last_year: int) -> bool:
    try:
        day = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return first_year <= day.year <= last_year


def is_valid_id_number(value: Any) -> bool:
    """18-character resident ID (GB 11643): region, birth date and check character."""
    if not isinstance(value, str) or len(value) != 18 or not value[:17].isdigit():
        return False
    if value[0] == "0" or not _valid_date(value[6:14], 1900, _dt.date.today().year):
        return False
    return id_check_char(value[:17]) == value[17].upper()


def extract_id_number(text: Any) -> str | None:
    """First valid 18-character ID number in ``text`` (check X upper-case)."""
    for found in _ID_RE.finditer(_prepare(text)):
        candidate = _digits(found.group(1))
        if is_valid_id_number(candidate):
            return candidate
    return None


def extract_case_number(text: Any) -> str | None:
    """Case number as ``XF`` + 12 digits.

    Accepts XF/xf + 12 digits, or 12 bare digits whose first eight are a
    plausible registration date (YYYYMMDD, 2000-2099).
    """
    prepared = _prepare(text)
    found = _CASE_XF_RE.search(prepared)
    if found:
        return "XF" + _digits(found.group(1))
    for found in _CASE_BARE_RE.finditer(prepared):
        digits = found.group(1)
        if _valid_date(digits[:8], 2000, 2099):
            return "XF" + digits
    return None


def mask_phone(phone: Any) -> str:
    """138****1234 for mobiles; other numbers keep only their last 4 digits."""
    if not isinstance(phone, str) or not phone:
        return ""
    digits = _digits(phone) or phone
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_id(id_number: Any) -> str:
    """4101**********1234: region prefix and last four kept."""
    if not isinstance(id_number, str) or not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_name(name: Any) -> str:
    """张* / 张** / 欧*** : first character kept."""
    if not isinstance(name, str):
        return ""
    clean: str = name.strip()
    if len(clean) <= 1:
        return "*" * len(clean)
    return clean[0] + "*" * (len(clean) - 1)
