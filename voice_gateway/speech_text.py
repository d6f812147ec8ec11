"""Turn bot text into short sentences a Mandarin TTS voice reads well (pure functions).

Numbers that identify something (case numbers XF…, phone numbers, query codes, the 12345
hotline) are spelled out as Chinese digit characters, one per digit, with 1 read as 幺 as on
any Chinese hotline: TTS then cannot read them as quantities ("十三亿…"). Groups are separated
by "，" so the voice pauses between them. Short quantities ("15个工作日") are left alone.
"""

from __future__ import annotations

import re
import unicodedata

DIGIT_WORDS = "零幺二三四五六七八九"
# Spoken choice numbers for buttons ("请说一或二"); 1 is 一 here, as in everyday speech.
CHOICE_WORDS = ("一", "二", "三", "四", "五", "六", "七", "八", "九")

MAX_SENTENCE_CHARS = 40

_FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９ＸＦｘｆ"}
# A link cannot be heard: drop it together with the words that point at it ("详情见").
_URL = re.compile(
    r"(?:(?:详情|具体|更多|请)?(?:见|访问|登录|点击|打开|参见)[:：]?\s*)?(?:https?://|www\.)\S+"
)
_MARKDOWN = re.compile(r"\*\*|__|`+|^\s*#+\s*|^\s*[-*•]\s+", re.MULTILINE)
_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?\S*)?")
_CASE_NUMBER = re.compile(r"(?<![A-Za-z])XF-?(\d{12})(?!\d)", re.IGNORECASE)
_KEYWORD_DIGITS = re.compile(
    r"(尾号|号码|编号|查询码|验证码|工号|分机)(是|为)?([:：]?\s*)(\d{2,})(?!\d)"
)
_SEPARATED_DIGITS = re.compile(r"(?<![\d.])\d{2,4}(?:[-‐ ]\d{2,8})+(?![\d.])")
_LONG_DIGITS = re.compile(r"(?<![\d.])\d{5,}(?![\d.])")
# Emergency numbers (police, fire, ambulance, traffic police) are dialled, not counted:
# "拨打110" is 幺幺零, not 一百一十; "120元" / "110平方米" stay quantities.
_EMERGENCY_NUMBER = re.compile(
    r"(?<![\d.])(110|119|120|122)(?![\d.%％]|\s*(?:元|块|个|人|名|米|平|天|年|月|日|号|次|分|秒|"
    r"小时|公里|岁|斤|克|家|户|栋|楼|室|层|辆|万|千|百|多))"
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+")
_CLAUSE_END = re.compile(r"(?<=[，,、：:])")
_ONLY_PUNCTUATION = re.compile(r"^[\s\W_]*$")

# Symbols worth keeping although they are "other symbols" in Unicode.
_KEEP_SYMBOLS = frozenset("℃°")


def is_emoji_or_pictograph(char: str) -> bool:
    if char in _KEEP_SYMBOLS:
        return False
    if char in "\u200d\ufe0e\ufe0f\u20e3":
        return True
    if 0x1F3FB <= ord(char) <= 0x1F3FF:  # skin-tone modifiers
        return True
    return unicodedata.category(char) in ("So", "Cs", "Co")


def strip_emoji(text: str) -> str:
    return "".join(c for c in text if not is_emoji_or_pictograph(c))


def group_sizes(length: int) -> list[int]:
    """How a run of digits is grouped when read aloud (phone 3-4-4, code 3-3, else by 4)."""
    if length == 11:
        return [3, 4, 4]
    if length == 6:
        return [3, 3]
    if length <= 5:
        return [length]
    sizes = [4] * (length // 4)
    if length % 4:
        sizes.append(length % 4)
    return sizes


def read_digits(digits: str, *, grouped: bool = True) -> str:
    """'13800138000' -> '幺三八，零零幺三，八零零零'."""
    only = "".join(d for d in digits if d.isdigit())
    words = "".join(DIGIT_WORDS[int(d)] for d in only)
    if not grouped:
        return words
    parts, start = [], 0
    for size in group_sizes(len(words)):
        parts.append(words[start : start + size])
        start += size
    return "，".join(parts)


def read_case_number(digits: str) -> str:
    """'202611260001' -> 'X F，二零二六，幺幺二六，零零零幺'."""
    return "X F，" + read_digits(digits)


def _date_to_words(match: re.Match[str]) -> str:
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    return f"{year}年{month}月{day}日"


def spell_out_numbers(sentence: str) -> str:
    """Spell identifying numbers digit by digit; leave dates and short quantities to the voice."""
    sentence = _DATE.sub(_date_to_words, sentence)
    sentence = _CASE_NUMBER.sub(lambda m: read_case_number(m.group(1)), sentence)
    sentence = _KEYWORD_DIGITS.sub(
        lambda m: m.group(1) + (m.group(2) or "") + m.group(3) + read_digits(m.group(4)),
        sentence,
    )
    sentence = _SEPARATED_DIGITS.sub(
        lambda m: "，".join(
            read_digits(part, grouped=False) for part in re.split(r"[-‐ ]", m.group(0))
        ),
        sentence,
    )
    sentence = _EMERGENCY_NUMBER.sub(lambda m: read_digits(m.group(1)), sentence)
    return _LONG_DIGITS.sub(lambda m: read_digits(m.group(0)), sentence)


def clean_for_speech(text: str) -> str:
    """Drop what cannot be spoken: emoji, links, markdown marks; normalise full-width digits."""
    text = text.translate(_FULL_WIDTH)
    text = _URL.sub("", text)
    text = _MARKDOWN.sub("", text)
    return strip_emoji(text)


def _split_long(sentence: str, limit: int) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    pieces: list[str] = []
    current = ""
    for clause in _CLAUSE_END.split(sentence):
        if current and len(current) + len(clause) > limit:
            pieces.append(current)
            current = ""
        current += clause
    if current:
        pieces.append(current)
    return pieces


def split_sentences(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Short sentences, split at sentence ends and, when too long, at clause ends."""
    sentences: list[str] = []
    for raw in _SENTENCE_END.split(text):
        raw = raw.strip()
        if not raw or _ONLY_PUNCTUATION.match(raw):
            continue
        sentences.extend(piece.strip() for piece in _split_long(raw, limit) if piece.strip())
    return sentences


def speakable_sentences(text: str) -> list[str]:
    """Bot text -> short sentences ready for <Say>, numbers spelled digit by digit, no emoji."""
    # Split before spelling numbers: the commas put between digit groups must not split a number.
    return [spell_out_numbers(s) for s in split_sentences(clean_for_speech(text))]


def choice_prompt(index: int, title: str) -> str:
    """One spoken choice: '确认提交，请说一，或按1键。' (index is 1-based)."""
    word = CHOICE_WORDS[index - 1]
    label = "".join(split_sentences(clean_for_speech(title))) or f"第{word}项"
    label = label.rstrip("。！？!?；;，,")
    return f"{label}，请说{word}，或按{index}键。"
