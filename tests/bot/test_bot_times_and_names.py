"""The rule-based time and person-name extractors (时间、姓名识别)."""

from __future__ import annotations

import re

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.names import PersonNameExtractor, find_person_names
from bot.components.resolver import resolve_entities
from bot.components.times import TimeEntityExtractor, find_times


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("昨天晚上十一点多开始的", ["昨天晚上十一点多"]),
        ("大前天夜里", ["大前天夜里"]),
        ("上个礼拜天", ["上个礼拜天"]),
        ("上周三下午", ["上周三下午"]),
        ("从去年冬天开始就这样", ["去年冬天"]),
        ("3月5号那天", ["3月5号"]),
        ("十一月二十号", ["十一月二十号"]),
        ("2023年3月5号下午三点", ["2023年3月5号下午三点"]),
        ("这个月初停的水", ["这个月初"]),
        ("两个月前", ["两个月前"]),
        # qualifiers belong to the time (docs/nlu_guidelines.md)
        ("合同写着2021年底交房", ["2021年底"]),
        ("每天早上六点来钟就开始响", ["每天早上六点来钟"]),
        ("十月中旬就报了", ["十月中旬"]),
        ("晚上七点以后就没人管了", ["晚上七点以后"]),
        ("每年夏天一下大雨就淹", ["每年夏天"]),
        ("过年那阵儿", ["过年那阵儿"]),
        ("电钻从早上七点一直响到晚上十点", ["早上七点", "晚上十点"]),
        ("早上七点二十就开始了", ["早上七点二十"]),
        ("下午三点五分", ["下午三点五分"]),
        ("说好月底之前修好", ["月底之前"]),
        ("国庆节前后", ["国庆节前后"]),
        ("每天早上六点就开始", ["每天早上六点"]),
        ("从早上七点砸到晚上九点", ["早上七点", "晚上九点"]),
        ("周六周日也不停", ["周六周日"]),
        # Henan speech: 夜儿个 yesterday, 后晌 afternoon, 黑 night; lunar dates
        ("夜儿个黑楼上往下扔了个瓶子", ["夜儿个黑"]),
        ("上礼拜二后晌", ["上礼拜二后晌"]),
        ("大年初三那天", ["大年初三"]),
        ("腊月二十三开始的", ["腊月二十三"]),
    ],
)
def test_time_expressions_are_found_whole(text: str, times: list) -> None:
    assert [value for _, _, value in find_times(text)] == times


@pytest.mark.parametrize(
    "text",
    [
        "半个月了还没人管",  # a duration
        "修了两年",
        "好几个月了",
        "夜里渣土车跑得飞快",  # a bare part of the day
        "跳到十点多",  # a bare clock time
        "天天堵车",  # a bare frequency
        "夏天窗户都不敢开",  # a generic season
        "住在3号楼",
        "坐5号线",
        "一块五一度电",
        "一天只来两个钟头",
        "我今年六十八了腿脚不好",  # an age
    ],
)
def test_durations_frequencies_and_numbers_are_not_times(text: str) -> None:
    assert find_times(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("我叫李红梅电话13526789012", ["李红梅"]),
        ("我叫王刚", ["王刚"]),
        ("我姓王", ["王"]),
        ("免贵姓刘", ["刘"]),
        ("免贵姓孙 叫孙红梅", ["孙红梅"]),
        ("免贵姓欧阳 叫欧阳文斌", ["欧阳文斌"]),
        ("俺姓孙", ["孙"]),
        ("姓牛 牛羊的牛", ["牛"]),
        ("姓李 木子李 全名李梦瑶", ["李梦瑶"]),
        ("免贵姓欧阳", ["欧阳"]),
        ("姓名刘德华", ["刘德华"]),
        ("名字写马晓燕吧", ["马晓燕"]),
        ("我是王建民", ["王建民"]),
        ("孙建军", ["孙建军"]),
        ("我想反映个事我叫陈建国住在金水区", ["陈建国"]),
        # a known surname and one or two characters, where jieba splits the name
        ("我叫马红霞 电话是15138370962", ["马红霞"]),
        ("名字写欧阳明辉就行", ["欧阳明辉"]),
        ("名字是韩国庆", ["韩国庆"]),
        ("我是樊建设", ["樊建设"]),
        ("我叫张三今年六十了", ["张三"]),
        ("白玉霞 手机13949563317", ["白玉霞"]),
    ],
)
def test_names_the_citizen_gives(text: str, names: list) -> None:
    assert [value for _, _, value in find_person_names(text)] == names


@pytest.mark.parametrize(
    "text",
    [
        "我是外卖小哥",
        "查进度 xf202312050331",  # a case number, not a phone, after the words
        "我是新密市的",
        "我是环卫工人",
        "谢谢",
        "名字就不留了",
        "我姓啥你管不着",
        "转人工",
        "我是王经理",
        "我是刘师傅",
        "我是金水区的",
        "我是白天来的",
        "我是周边居民",
        "我是黄河路的",
    ],
)
def test_words_that_are_not_names(text: str) -> None:
    assert find_person_names(text) == []


def test_extractors_add_entities_that_win_over_the_model() -> None:
    message = Message(data={"text": "我叫李红梅，前天晚上的事"})
    message.set(
        "entities",
        [
            {
                "entity": "person_name",
                "value": "红梅",
                "start": 3,
                "end": 5,
                "extractor": "DIETClassifier",
            },
            {
                "entity": "time",
                "value": "晚上",
                "start": 8,
                "end": 10,
                "extractor": "DIETClassifier",
            },
        ],
    )
    TimeEntityExtractor().process([message])
    PersonNameExtractor().process([message])
    found = {(e["entity"], e["value"]) for e in resolve_entities(message.get("entities"))}
    assert found == {("person_name", "李红梅"), ("time", "前天晚上")}


def test_model_times_are_dropped_even_without_a_rule_based_time() -> None:
    model_time = {
        "entity": "time",
        "value": "天天",
        "start": 0,
        "end": 2,
        "extractor": "DIETClassifier",
    }
    assert resolve_entities([model_time]) == []


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("孙建军", True),
        ("上个礼拜天", True),
        ("就是前天晚上吧", True),
        ("我叫李红梅", True),
        ("明天会下雨吗", False),
        ("上个月反映的事有结果了没", False),
        ("谢谢", False),
    ],
)
def test_a_bare_name_or_time_is_an_answer(text: str, bare: bool) -> None:
    from bot.components.answers import BareAnswerClassifier

    message = Message(data={"text": text, "intent": {"name": "affirm", "confidence": 0.6}})
    TimeEntityExtractor().process([message])
    PersonNameExtractor().process([message])
    BareAnswerClassifier().process([message])
    assert (message.get("intent")["name"] == "inform") is bare


@pytest.mark.parametrize(
    ("text", "lookup"),
    [
        ("查询XF202611270005", True),
        ("查询 XF209901010001", True),
        ("帮我查一下XF202611260001的办理进度", True),
        ("XF202611260001进度", True),
        ("XF202611260001", False),  # a bare number answers the form's question
        ("XF202611260001一直没人管，我要投诉", False),
        ("查询一下", False),
        ("编号XF202611030007 现在啥情况", True),
    ],
)
def test_a_case_number_with_only_lookup_words_is_a_query(text: str, lookup: bool) -> None:
    from bot.components.answers import BareAnswerClassifier, is_bare_lookup

    match = re.search(r"XF\d{12}", text)
    entities = (
        [
            {
                "entity": "case_number",
                "start": match.start(),
                "end": match.end(),
                "value": match.group(0),
                "extractor": "RegexEntityExtractor",
            }
        ]
        if match
        else []
    )
    assert is_bare_lookup(text, entities) is lookup
    message = Message(
        data={
            "text": text,
            "entities": entities,
            "intent": {"name": "nlu_fallback", "confidence": 0.45},
        }
    )
    BareAnswerClassifier().process([message])
    assert (message.get("intent")["name"] == "query_case") is lookup


def test_a_name_wins_over_a_holiday_inside_it_and_blank_values_go() -> None:
    entities = [
        {"entity": "person_name", "value": "韩国庆", "start": 3, "end": 6,
         "extractor": "PersonNameExtractor"},
        {"entity": "time", "value": "国庆", "start": 4, "end": 6,
         "extractor": "TimeEntityExtractor"},
        {"entity": "person_name", "value": " ", "start": 6, "end": 7,
         "extractor": "DIETClassifier"},
    ]  # fmt: skip
    assert [(e["entity"], e["value"]) for e in resolve_entities(entities)] == [
        ("person_name", "韩国庆")
    ]


def test_a_case_number_said_in_groups_is_one_upper_case_value() -> None:
    entities = [
        {"entity": "case_number", "value": "xf20231107 0093", "start": 0, "end": 15,
         "extractor": "RegexEntityExtractor"},
    ]  # fmt: skip
    assert resolve_entities(entities)[0]["value"] == "XF202311070093"


def test_a_phone_number_said_in_groups_keeps_its_digits() -> None:
    entities = [
        {"entity": "phone_number", "value": "138 3712 6649", "start": 4, "end": 17,
         "extractor": "RegexEntityExtractor"},
    ]  # fmt: skip
    assert resolve_entities(entities)[0]["value"] == "13837126649"


@pytest.mark.parametrize(
    ("text", "entity", "value", "bare"),
    [
        ("我手机号 138 3712 6649", "phone_number", "138 3712 6649", True),
        ("身份证410181198208126037", "id_number", "410181198208126037", True),
        ("查询码是482913", "query_code", "482913", True),
        ("13812345678 楼下饭店天天吵", "phone_number", "13812345678", False),
    ],
)
def test_a_bare_number_is_an_answer(text: str, entity: str, value: str, bare: bool) -> None:
    from bot.components.answers import BareAnswerClassifier

    start = text.index(value)
    found = {"entity": entity, "value": value, "start": start, "end": start + len(value)}
    found["extractor"] = "RegexEntityExtractor"
    message = Message(
        data={
            "text": text,
            "intent": {"name": "ask_policy", "confidence": 0.6},
            "entities": [found],
        }
    )
    BareAnswerClassifier().process([message])
    assert (message.get("intent")["name"] == "inform") is bare


def test_a_full_name_wins_over_the_surname_and_ids_get_an_upper_case_x() -> None:
    entities = [
        {"entity": "person_name", "value": "张", "start": 3, "end": 4,
         "extractor": "PersonNameExtractor"},
        {"entity": "person_name", "value": "张翠英", "start": 6, "end": 9,
         "extractor": "PersonNameExtractor"},
        {"entity": "person_name", "value": "三", "start": 12, "end": 13,
         "extractor": "DIETClassifier"},
        {"entity": "id_number", "value": "41018319851130003x", "start": 14, "end": 32,
         "extractor": "RegexEntityExtractor"},
    ]  # fmt: skip
    assert [(e["entity"], e["value"]) for e in resolve_entities(entities)] == [
        ("person_name", "张翠英"),
        ("id_number", "41018319851130003X"),
    ]


def _training_patterns(entity: str) -> list:
    """The regexes of nlu_data/regex.yml for one entity, as Rasa reads them."""
    from rasa.shared.nlu.training_data.loading import load_data

    features = load_data("nlu_data/regex.yml").regex_features
    return [p["pattern"] for p in features if p["name"] == entity]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话13837126649", "13837126649"),
        ("手机 138 3712 6649", "138 3712 6649"),
        ("联系方式0371 6551 2087", "0371 6551 2087"),
        ("座机0371-65512087", "0371-65512087"),
        ("身份证410181198208126037", None),
    ],
)
def test_the_phone_patterns_of_the_training_data(text: str, phone: str) -> None:
    found = [m.group(0) for p in _training_patterns("phone_number") for m in re.finditer(p, text)]
    assert found[:1] == ([phone] if phone else [])


@pytest.mark.parametrize(
    ("text", "case_number"),
    [
        ("XF202611150009", "XF202611150009"),
        ("xf20231107 0093 码是385126", "xf20231107 0093"),
        ("编号XF 202611220018", "XF 202611220018"),
    ],
)
def test_the_case_number_patterns_of_the_training_data(text: str, case_number: str) -> None:
    found = {m.group(0) for p in _training_patterns("case_number") for m in re.finditer(p, text)}
    assert case_number in found
