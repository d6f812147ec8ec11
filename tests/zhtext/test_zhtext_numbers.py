"""zhtext.spoken_digits_to_digits: digit strings converted, words left alone."""

import io
import json
from pathlib import Path

import pytest

from zhtext import normalize, spoken_digits_to_digits

GAZETTEER_FILE = Path("var/gazetteer/zhengzhou.json")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("幺三八零零一三八零零零", "13800138000"),
        ("一三八零零一三八零零零", "13800138000"),
        ("一三八 零零一三 八零零零", "13800138000"),
        ("一三八-零零一三-八零零零", "13800138000"),
        ("一三八、零零一三、八零零零", "13800138000"),
        ("我的电话是幺五九两三四五六七八九", "我的电话是15923456789"),
        ("壹叁捌零零壹叁捌零零零", "13800138000"),
        ("洞幺拐勾", "0179"),
        ("138零零138000", "13800138000"),
        (
            "我的电话幺三八零零一三八零零零，一会儿再打",
            "我的电话13800138000，一会儿再打",
        ),
        ("案件号XF二零二六一一二六零零零一", "案件号XF202611260001"),
        ("xf 二零二六 一一二六 零零零一", "xf 202611260001"),
        ("二零二四年三月", "2024年三月"),
        ("住五二三室", "住523室"),
        ("三零一", "301"),
        ("打幺幺零", "打110"),
        ("一二三四五", "12345"),
    ],
)
def test_digit_strings_converted(raw, expected):
    assert spoken_digits_to_digits(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "一个",
        "一马路",
        "二七区",
        "十八里河",
        "三官庙",
        "五里堡",
        "九龙镇",
        "等一下",
        "第一次来",
        "两个月了",
        "三三两两的人",
        "一五一十地说",
        "七七八八",
        "三百五十块",
        "十一二三",
        "一二",
        "三四楼",
        "一、二、三",
        "零零星星",
        "一马路 二七区 一下 第一次 两个月",
        "13800138000",
        "138 0013 8000",
        "",
    ],
)
def test_words_with_numerals_untouched(text):
    assert spoken_digits_to_digits(text) == text


@pytest.mark.parametrize("raw", [None, 5, b"x"])
def test_non_str(raw):
    assert spoken_digits_to_digits(raw) == ""


def test_long_text():
    text = "楼下施工很吵，" * 700 + "电话幺三八零零一三八零零零"
    assert spoken_digits_to_digits(text).endswith("电话13800138000")


def _gazetteer_names():
    try:
        from gazetteer import build as builder

        data = builder.build(log=io.StringIO())
    except ImportError:  # Rasa env has no jionlp: use the built file
        if not GAZETTEER_FILE.exists():
            pytest.skip(
                "no jionlp and no var/gazetteer/zhengzhou.json (run python -m gazetteer.build)"
            )
        data = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    names = []
    for d in data["districts"]:
        names += [d["name"], *d["aliases"]]
        for s in d["streets"]:
            names += [s["name"], *s["aliases"], *s["communities"]]
    return names


def test_every_gazetteer_name_survives_normalisation():
    names = _gazetteer_names()
    assert len(names) > 3000
    changed = {n: spoken_digits_to_digits(normalize(n)) for n in names}
    assert {k: v for k, v in changed.items() if k != v} == {}
    assert "一马路街道" in changed and "十八里河街道" in changed
