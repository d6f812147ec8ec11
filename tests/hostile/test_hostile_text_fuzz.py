"""Property tests (hypothesis) on the text helpers every turn and every log line goes through.

normalize, spoken_digits_to_digits and the identifier extractors get arbitrary
Unicode (control characters, surrogates, emoji sequences, full-width forms,
spoken digits, separators) and must never raise, stay bounded and never make
up digits.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from zhtext import (
    extract_case_number,
    extract_id_number,
    extract_phone,
    id_check_char,
    is_valid_id_number,
    mask_id,
    mask_name,
    mask_phone,
    normalize,
    redact,
    spoken_digits_to_digits,
)
from zhtext.normalize import CJK_PUNCT
from zhtext.numbers import SEPARATORS, SPOKEN_DIGITS

FUZZ = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

SPOKEN = "".join(SPOKEN_DIGITS)
# What people type or speech recognition returns: any code point (lone surrogates
# included), weighted towards the characters the helpers treat specially.
SPECIAL = st.sampled_from(
    [
        *SPOKEN,
        *SEPARATORS,
        *"0123456789０１２３４５６７８９",
        *"十百千万亿第号室栋单元户XxFf叉",
        *",.?!:;()，。？！：；（）「」",
        *"\u200b\u200d\u202e\ufeff\u3000\t\n\r\x00\x1f\x7f\x85",
        "😡",
        "👨‍👩‍👧",
        "\U000e0067",
        *"於後發裡臺灣",
        "+86",
    ]
)
ANY_TEXT = st.lists(st.one_of(st.characters(), SPECIAL, st.text(max_size=5)), max_size=60).map(
    "".join
)

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
ASCII_DIGITS = re.compile(r"[0-9]")


def ascii_digits(text: str) -> str:
    return "".join(ASCII_DIGITS.findall(text))


def digit_source(text: str) -> str:
    """Every digit the input could stand for, in order: ASCII, full-width and spoken digits."""
    mapped = text.translate(FULLWIDTH_DIGITS)
    return "".join(
        SPOKEN_DIGITS.get(ch, ch)
        for ch in mapped
        if ch in SPOKEN_DIGITS or ch.isdigit() and ch.isascii()
    )


def is_subsequence(small: str, big: str) -> bool:
    rest = iter(big)
    return all(ch in rest for ch in small)


# ---- normalize ------------------------------------------------------------------


@FUZZ
@given(ANY_TEXT)
@example("a\u200d\u200db")
@example("😡\u200d😡\u200d")
@example("你好,(世界).")
def test_normalize_never_raises_and_leaves_no_invisible_characters(text: str) -> None:
    out = normalize(text)
    assert isinstance(out, str)
    assert out == out.strip()
    assert "  " not in out and "\n" not in out and "\t" not in out
    for ch in out:
        category = unicodedata.category(ch)
        assert category not in ("Cc", "Cs"), (text, out)
        if category == "Cf":
            assert ch == "\u200d" or 0xE0020 <= ord(ch) <= 0xE007F, (text, out)
        if 0xFF01 <= ord(ch) <= 0xFF5E:
            assert ch in CJK_PUNCT.values(), (text, out)


@FUZZ
@given(ANY_TEXT)
@example("後,,")
@example("a (b")
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@FUZZ
@given(ANY_TEXT)
def test_normalize_keeps_digits_and_length(text: str) -> None:
    out = normalize(text)
    assert len(out) <= len(text)
    assert ascii_digits(out) == ascii_digits(text.translate(FULLWIDTH_DIGITS))


@given(st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.text())))
@settings(max_examples=30, database=None, derandomize=True)
def test_non_text_gives_empty_strings(value: object) -> None:
    assert normalize(value) == ""
    assert spoken_digits_to_digits(value) == ""
    assert extract_phone(value) is None
    assert extract_id_number(value) is None
    assert extract_case_number(value) is None
    assert mask_phone(value) == "" and mask_id(value) == "" and mask_name(value) == ""


# ---- spoken digits --------------------------------------------------------------


def without_digit_material(text: str) -> str:
    return "".join(
        ch for ch in text if ch not in SPOKEN_DIGITS and ch not in SEPARATORS and not ch.isdigit()
    )


@FUZZ
@given(ANY_TEXT)
@example("幺三八 零零一三，一会儿")
@example("一五一十幺三八零零")
@example("xf二零二六 一一二六 零零零一")
def test_spoken_digits_only_turn_digits_into_digits(text: str) -> None:
    out = spoken_digits_to_digits(text)
    assert len(out) <= len(text)
    # Nothing but digit characters and the separators inside a number changes ...
    assert without_digit_material(out) == without_digit_material(text)
    # ... and every ASCII digit out stands for a digit (or spoken digit) in, in order.
    assert is_subsequence(ascii_digits(out), digit_source(text)), (text, out)


@FUZZ
@given(st.text(alphabet=st.characters(exclude_characters=SPOKEN), max_size=80))
def test_text_without_spoken_digits_is_unchanged(text: str) -> None:
    assert spoken_digits_to_digits(text) == text


@FUZZ
@given(ANY_TEXT)
@example("幺三八 零零一三 八零零零")
def test_converting_twice_changes_nothing_more(text: str) -> None:
    once = spoken_digits_to_digits(normalize(text))
    assert spoken_digits_to_digits(once) == once


# ---- identifiers ----------------------------------------------------------------


@FUZZ
@given(ANY_TEXT)
def test_extractors_never_raise_and_only_return_well_formed_values(text: str) -> None:
    source = digit_source(normalize(text))
    phone = extract_phone(text)
    if phone is not None:
        assert phone.isascii() and phone.isdigit() and 8 <= len(phone) <= 12, phone
        assert is_subsequence(phone, source), (text, phone)
    id_number = extract_id_number(text)
    if id_number is not None:
        assert is_valid_id_number(id_number), id_number
        assert is_subsequence(id_number[:17], source), (text, id_number)
    case_number = extract_case_number(text)
    if case_number is not None:
        assert re.fullmatch(r"XF\d{12}", case_number), case_number
        assert is_subsequence(case_number[2:], source), (text, case_number)


# Filler that cannot be read as a digit or glue a number to a numeral word.
FILLER = st.text(
    alphabet=st.characters(
        min_codepoint=0x4E00,
        max_codepoint=0x9FFF,
        exclude_characters=SPOKEN + "十百千万亿第号室栋幢单元户",
    )
    | st.sampled_from(list("，。？！ 😡")),
    max_size=12,
)
MOBILE = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
READING = {d: [k for k, v in SPOKEN_DIGITS.items() if v == d] for d in "0123456789"}


@FUZZ
@given(FILLER, MOBILE, FILLER, st.data())
def test_a_mobile_number_said_any_way_is_found(
    before: str, mobile: str, after: str, data: st.DataObject
) -> None:
    spoken = "".join(data.draw(st.sampled_from([d, *READING[d]])) for d in mobile)
    assert extract_phone(f"{before}{mobile}{after}") == mobile
    assert extract_phone(f"{before}{spoken}{after}") == mobile, spoken


ID_BODY = st.builds(
    lambda region, year, month, day, seq: f"{region}{year:04d}{month:02d}{day:02d}{seq:03d}",
    st.integers(110000, 659999).map(str),
    st.integers(1900, 2020),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
)


@FUZZ
@given(FILLER, ID_BODY, FILLER)
def test_a_valid_id_number_is_found_and_redacted(before: str, body: str, after: str) -> None:
    id_number = body + id_check_char(body)
    text = f"{before}{id_number}{after}"
    assert extract_id_number(text) == id_number
    assert id_number not in redact(text)
    assert extract_phone(text) is None  # an ID number is not a phone


@FUZZ
@given(FILLER, MOBILE, FILLER)
def test_a_mobile_number_never_reaches_a_log_line(before: str, mobile: str, after: str) -> None:
    redacted = redact(f"{before}{mobile}{after}")
    assert mobile not in redacted and ascii_digits(redacted) == ""


@FUZZ
@given(st.text(max_size=40))
def test_masks_show_no_more_than_they_should(value: str) -> None:
    masked_phone = mask_phone(value)
    assert len(ascii_digits(masked_phone)) <= 7
    masked_id = mask_id(value)
    assert len(masked_id) == len(value)
    assert sum(ch != "*" for ch in masked_id) <= 8
    masked_name = mask_name(value)
    assert len(masked_name) == len(value.strip())
    assert set(masked_name[1:]) <= {"*"}
