"""Spoken digit strings (phone numbers, case numbers) -> ASCII digits.

People read numbers digit by digit: 幺三八 零零一三 八零零零, 幺五九两三四…,
二零二六. Only runs that look like such digit strings are converted, so words
that contain numerals (一马路, 二七区, 十八里河, 两个月, 三三两两) stay intact.
"""

from __future__ import annotations

import re
from typing import Any

# Single-digit readings as used on the phone (幺 1, 两 2, 洞 0, 拐 7, 勾 9)
# and the financial forms (壹贰叁…).
SPOKEN_DIGITS = {
    **dict.fromkeys("零〇○洞", "0"),
    **dict.fromkeys("一幺壹", "1"),
    **dict.fromkeys("二两贰", "2"),
    **dict.fromkeys("三叁", "3"),
    **dict.fromkeys("四肆", "4"),
    **dict.fromkeys("五伍", "5"),
    **dict.fromkeys("六陆", "6"),
    **dict.fromkeys("七柒拐", "7"),
    **dict.fromkeys("八捌", "8"),
    **dict.fromkeys("九玖勾", "9"),
}
# Readings that only occur when someone reads a digit string, never in words
# like 一马路 or 二七区; a run containing one is a digit string for sure.
DIGIT_STRING_MARKERS = frozenset("零〇○洞幺拐勾0123456789")
SEPARATORS = " \u3000、，,-－—–"
# A run followed by one of these is a room/house number: 五二三室.
UNIT_SUFFIXES = ("号", "室", "栋", "幢", "单元", "户")
# Numerals next to these are ordinary Chinese numbers (一五一十, 第一, 三百).
NUMERAL_WORD_BEFORE = tuple("十百千万亿第")
NUMERAL_WORD_AFTER = tuple("十百千万亿")
MIN_RUN = 3
MIN_RUN_WITHOUT_MARKER = 5

_DIGIT_CLASS = "".join(SPOKEN_DIGITS) + "0-9"
_SEP_CLASS = re.escape(SEPARATORS)
_RUN_RE = re.compile(f"[{_DIGIT_CLASS}](?:[{_SEP_CLASS}]{{0,2}}[{_DIGIT_CLASS}])*")
_SPLIT_RE = re.compile(f"([{_SEP_CLASS}]+)")
_CASE_PREFIX_RE = re.compile(r"xf\s*$", re.IGNORECASE)


def _is_digit_string(run: str, before: str, after: str) -> bool:
    digits = [ch for ch in run if ch in SPOKEN_DIGITS or ch.isascii() and ch.isdigit()]
    if not any(ch in SPOKEN_DIGITS for ch in digits):
        return False  # already ASCII: nothing to convert, keep separators as typed
    if _CASE_PREFIX_RE.search(before):
        return True
    if (
        len(digits) < MIN_RUN
        or before.endswith(NUMERAL_WORD_BEFORE)
        or after.startswith(NUMERAL_WORD_AFTER)
    ):
        return False
    if any(ch in DIGIT_STRING_MARKERS for ch in digits):
        return True
    return len(digits) >= MIN_RUN_WITHOUT_MARKER or after.startswith(UNIT_SUFFIXES)


def _trim_edges(parts: list[str], before: str, after: str) -> tuple[str, str, str]:
    """Split off edge groups that belong to neighbouring words.

    ``parts`` alternates group, separator, group… A last group glued to a
    numeral word (一五一十) or a lone last digit starting a word (…，一会儿) is not
    part of the number; likewise at the front.
    """
    head, tail = "", ""
    while len(parts) >= 3:
        last = parts[-1]
        if after.startswith(NUMERAL_WORD_AFTER) or (len(last) == 1 and is_cjk_char(after[:1])):
            tail = parts[-2] + last + tail
            after = parts[-2]
            parts = parts[:-2]
            continue
        first = parts[0]
        if before.endswith(NUMERAL_WORD_BEFORE) or (len(first) == 1 and is_cjk_char(before[-1:])):
            head += first + parts[1]
            before = parts[1]
            parts = parts[2:]
            continue
        break
    return head, "".join(parts), tail


def is_cjk_char(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff" and ch not in SPOKEN_DIGITS


def spoken_digits_to_digits(text: Any) -> str:
    """Replace digit-by-digit spoken runs with ASCII digits (separators dropped); never raises."""
    if not isinstance(text, str):
        return ""

    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        before = text[max(0, match.start() - 4) : match.start()]
        after = text[match.end() : match.end() + 2]
        parts = _SPLIT_RE.split(run)
        head, core, tail = _trim_edges(parts, before, after)
        core_before = (before + head)[-4:]
        core_after = (tail + after)[:2]
        if not _is_digit_string(core, core_before, core_after):
            return run
        converted = "".join(SPOKEN_DIGITS.get(ch, ch) for ch in core if ch not in SEPARATORS)
        return head + converted + tail

    return _RUN_RE.sub(replace, text)
