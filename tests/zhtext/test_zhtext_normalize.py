"""zhtext.normalize: width, script, invisible characters, whitespace."""

import pytest

from zhtext import normalize, to_simplified


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("鄭州市金水區", "郑州市金水区"),
        ("「鄭州市金水區」", "「郑州市金水区」"),
        ("我要投訴，樓下燒烤店半夜還在營業", "我要投诉，楼下烧烤店半夜还在营业"),
        ("臺灣來的朋友", "台湾来的朋友"),
        ("前於村", "前於村"),
    ],
)
def test_traditional_to_simplified(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１３８", "138"),
        ("ＸＦ２０２６１１２６０００１", "XF202611260001"),
        ("ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ", "www.example.com"),
        ("１０：３０", "10:30"),
        ("Ａ＋Ｂ＝Ｃ", "A+B=C"),
    ],
)
def test_fullwidth_ascii_to_halfwidth(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("你好，我要投诉。", "你好，我要投诉。"),
        ("你好,我要投诉.", "你好，我要投诉。"),
        ("真的吗?太好了!", "真的吗？太好了！"),
        ("地址:金水区;电话:无", "地址：金水区；电话：无"),
        ("(金水区)", "（金水区）"),
        ("3.5公里", "3.5公里"),
        ("10:30开会", "10:30开会"),
        ("a,b", "a,b"),
    ],
)
def test_chinese_punctuation_policy(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  金水区 \t\n 花园路  ", "金水区 花园路"),
        ("金水区\u3000\u3000花园路", "金水区 花园路"),
        ("金\u200b水\ufeff区\u200e", "金水区"),
        ("金水区\x00\x07\x1b", "金水区"),
        ("a\u00a0b", "a b"),
        ("bad\ud800surrogate", "badsurrogate"),
    ],
)
def test_whitespace_and_invisible_characters(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["😀", "😀😀👍", "👨\u200d👩\u200d👧", "🇨🇳", "❤️"])
def test_emoji_are_kept(raw):
    assert normalize(raw) == raw


def test_emoji_inside_text_kept_with_joiner():
    assert normalize("谢谢👨\u200d👩\u200d👧 再见") == "谢谢👨\u200d👩\u200d👧 再见"


def test_zero_width_joiner_between_letters_removed():
    assert normalize("金\u200d水") == "金水"


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "\n\t"])
def test_empty_results(raw):
    assert normalize(raw) == ""


@pytest.mark.parametrize("raw", [None, 123, b"bytes", ["x"]])
def test_non_str_gives_empty(raw):
    assert normalize(raw) == ""


def test_long_input():
    text = "楼下烧烤店半夜還在營業，油烟很大。" * 300
    result = normalize(text)
    assert len(result) == len(text)
    assert "还在营业" in result and "還" not in result


def test_every_code_point_is_safe():
    chunk = "".join(chr(c) for c in range(0x3000) if not 0xD800 <= c <= 0xDFFF)
    assert isinstance(normalize(chunk + "\ud83d"), str)


def test_idempotent():
    raw = "鄭州ＸＦ１２,  我要投訴.😀"
    once = normalize(raw)
    assert normalize(once) == once


def test_to_simplified_leaves_simplified_alone():
    assert to_simplified("郑州市管城回族区东大街街道") == "郑州市管城回族区东大街街道"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("真的吗？？", "真的吗？？"),
        ("真的吗??", "真的吗？？"),
        ("好的！！！", "好的！！！"),
        ("好的!!!", "好的！！！"),
    ],
)
def test_repeated_marks_stay_consistent(raw, expected):
    assert normalize(raw) == expected
