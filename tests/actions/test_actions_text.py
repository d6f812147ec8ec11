"""Pure text helpers of the actions."""

from __future__ import annotations

import pytest

from actions import text


@pytest.mark.parametrize(
    ("said", "story"),
    [
        ("我要投诉", False),
        ("我想反映个问题", False),
        ("您好，我要举报", False),
        ("我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着", True),
        ("楼下烧烤店半夜还在营业", True),
    ],
)
def test_is_story(said: str, story: bool) -> None:
    assert text.is_story(said) is story


def test_bare_times_of_day_are_not_a_date() -> None:
    assert text.find_time("金水区花园路街道有个工地半夜还在施工") is None
    assert text.find_time("昨天晚上十二点工地还在干活") == "昨天晚上十二点"
    assert text.find_time("从上个月开始就一直这样") == "上个月开始"
    assert text.find_time("每天晚上10点以后") == "每天晚上10点"


def test_request_and_name() -> None:
    assert text.find_request("路灯坏了，希望尽快修好。谢谢") == "希望尽快修好"
    assert text.find_name("我叫张三，电话13800138000") == "张三"
    assert text.find_name("我姓李") == "李"
    assert text.bare_name("王建国") == "王建国"
    assert text.bare_name("希望停止夜间施工好不好") is None


def test_anonymity_and_unknowns() -> None:
    assert text.wants_anonymity("我要匿名")
    assert text.wants_anonymity("不想留电话")
    assert not text.wants_anonymity("张三 13800138000")
    assert text.does_not_know("不清楚是哪个街道")


def test_case_facts_carry_no_personal_data_but_the_read_back_does() -> None:
    slots = {
        "purpose": "complaint",
        "description": "工地夜间施工",
        "district": "金水区",
        "street": "花园路街道",
        "occurred_time": "昨晚",
        "request_text": "停止施工",
        "person_name": "张三",
        "phone_number": "13800138000",
        "anonymous": False,
    }
    facts = "\n".join(text.case_facts(slots))
    assert "13800138000" not in facts and "张三" not in facts
    assert "金水区花园路街道" in facts
    read_back = text.summary_text(slots)
    assert "13800138000" in read_back and read_back.endswith("哪里不对。")


def test_receipt_names_number_code_unit_and_deadline() -> None:
    receipt = text.receipt_text(
        {
            "number": "XF202611260001",
            "query_code": "123456",
            "unit_name": "金水区花园路街道办事处",
            "unit_level": "street",
            "accept_by": "2026-12-11",
        }
    )
    assert "XF202611260001" in receipt and "123456" in receipt
    assert "金水区花园路街道办事处（街道/乡镇级）" in receipt
    assert "2026年12月11日前" in receipt
