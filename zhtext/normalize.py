"""Text normalisation for what citizens type or what speech recognition returns.

Punctuation policy (one rule, applied everywhere):
- Full-width ASCII forms (U+FF01..U+FF5E: letters, digits, symbols) become
  ASCII first.
- Then the sentence punctuation , ? ! : ; ( ) next to a Chinese character (or
  right after another such mark) becomes the full-width Chinese form ，？！：；（）
  and a "." after a Chinese character at a sentence end becomes 。. So
  "你好,我要投诉." and "你好，我要投诉。" normalise to the same string, while
  between digits or Latin letters the marks are ASCII (１０：３０ -> 10:30, 3.5).
- 。、「」《》 and other CJK punctuation are kept as they are.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

ZWJ = "\u200d"
# Chinese sentence punctuation kept (or made) full-width.
CJK_PUNCT = {
    ",": "，",
    "?": "？",
    "!": "！",
    ":": "：",
    ";": "；",
    "(": "（",
    ")": "）",
}
AFTER_CJK_MARK = frozenset([*CJK_PUNCT.values(), "。"])
# Characters opencc's t2s would change although they are standard simplified
# characters in names (於 is a surname and appears in village names: 前於村).
T2S_EXEMPT = frozenset("於")
_WS_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> Any:
    # Imported lazily: zhtext must import without third-party packages.
    try:
        from opencc import OpenCC  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover - both envs ship opencc
        return None
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (opencc t2s); unchanged if opencc is missing."""
    converter = _t2s()
    if converter is None or not text:
        return text
    try:
        if not any(ch in T2S_EXEMPT for ch in text):
            return str(converter.convert(text))
        # Convert around exempt characters so they survive.
        parts = re.split(f"([{''.join(T2S_EXEMPT)}])", text)
        return "".join(p if p in T2S_EXEMPT else str(converter.convert(p)) for p in parts)
    except Exception:  # noqa: BLE001 - normalisation must never fail a turn
        return text


def _is_emoji_neighbour(ch: str) -> bool:
    return bool(ch) and (ord(ch) >= 0x2190 and unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf"))


def _strip_invisible(text: str) -> str:
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if ch in "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85":
            out.append(" ")
        elif cat in ("Cc", "Cs"):
            continue
        elif cat == "Cf":
            # Keep joiners and tag characters inside emoji sequences (👨‍👩‍👧, 🏴 flags).
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < n else ""
            in_emoji = 0xE0020 <= ord(ch) <= 0xE007F or (
                ch == ZWJ and _is_emoji_neighbour(prev) and _is_emoji_neighbour(nxt)
            )
            if in_emoji:
                out.append(ch)
        else:
            out.append(ch)
    return "".join(out)


def _fullwidth_to_ascii(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\u3000":
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def is_cjk(ch: str) -> bool:
    return bool(ch) and (
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\U00020000" <= ch <= "\U0002ebef"
    )


def _unify_cjk_punct(text: str) -> str:
    out = list(text)
    n = len(text)
    for i, ch in enumerate(text):
        prev = out[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in CJK_PUNCT:
            if is_cjk(prev) or is_cjk(nxt) or (prev in AFTER_CJK_MARK and ch != "("):
                out[i] = CJK_PUNCT[ch]
        elif ch == "." and is_cjk(prev) and (not nxt or nxt == " " or is_cjk(nxt)):
            out[i] = "。"
    return "".join(out)


def normalize(text: Any) -> str:
    """Canonical form of user text for NLU and matching; never raises.

    Removes control and zero-width characters, maps full-width forms (see the
    module docstring for punctuation), converts traditional to simplified
    Chinese and collapses whitespace. Emoji are kept.
    """
    if not isinstance(text, str):
        return ""
    try:
        text = _strip_invisible(text)
        text = _fullwidth_to_ascii(text)
        text = to_simplified(text)
        text = _unify_cjk_punct(text)
        return _WS_RE.sub(" ", text).strip()
    except Exception:  # noqa: BLE001 - last resort: never fail the turn
        return text.strip() if isinstance(text, str) else ""
