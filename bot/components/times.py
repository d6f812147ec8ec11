"""Time expressions citizens use (时间识别), found by a small grammar.

A `time` entity says *when*: a day (昨天晚上, 上个礼拜天), a date (3月5号,
十一月二十号), a month, week or year (上个月, 上周三, 去年冬天), a festival
(国庆节前后), a clock time with its part of the day (早上七点, 夜里十二点), or
a recurring time (每天早上五点多, 天天晚上). Not times: durations (半个月了,
两年), a bare part of the day (夜里) or clock (十点多), bare frequency (天天,
经常), generic seasons (夏天). The grammar is exact where the model was not:
the statistical model only saw a few dozen time phrases.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.base import StatelessComponent

_N = r"[0-9零〇一二两三四五六七八九十]"
_YEAR = (
    r"(?:今年|去年|前年|大前年|明年|(?:\d{4}|[零〇一二三四五六七八九]{4})年)"
    r"(?:春天|夏天|秋天|冬天|年初|年底|年末|年中|初|底|末|开春|上半年|下半年|春节|过年)?"
)
_MONTH = (
    rf"(?:(?:上上|上|这|本|下)个?月|{_N}{{1,3}}月份?)(?:初|底|末|中旬|上旬|下旬|中)?"
    rf"(?:{_N}{{1,3}}[号日])?"
)
_WEEKDAY = r"[一二三四五六日天1-7]"
_WEEK = (
    rf"(?:(?:上上|上|这|本|下)个?(?:周|星期|礼拜){_WEEKDAY}?|(?:周|星期|礼拜){_WEEKDAY}"
    r"|(?:这个|上个|每个)?周末)"
)
# 夜儿个 / 夜个: "yesterday" in Henan speech
_DAY = r"(?:大前天|前天|昨天|今天|明天|当天|今儿个?|昨儿个?|前儿个?|夜儿个?|夜个|今早|昨晚|今晚|前晚|昨夜)"
_AGO = (
    rf"(?:(?:{_N}{{1,3}}|几|半|两)(?:天|个?星期|个?礼拜|周|个月|年)(?:前|以前|之前)"
    r"|前(?:几|两|些)天|前段时间|这(?:几|两)天|最近(?:几|两|这几)天|近几天)"
)
_FESTIVAL = (
    r"(?:春节|过年|国庆节?|国庆假期|十一假期|十一长假|中秋节?|元旦|五一|端午节?|清明节?|元宵节?"
    r"|除夕|大年三十|小年|(?:大年|正月)初[一二三四五六七八九十]|正月十五|腊月(?:初|二十|十)?[一二三四五六七八九十])"
    r"(?:前后|期间|那几天|那阵儿?|那会儿?|前|后)?"
)
# 前晌 / 后晌 / 傍黑 / 黑: morning, afternoon, dusk, night in Henan speech
_PART = (
    r"(?:大清早|清早|早上|早晨|上午|中午|晌午|前晌|后晌|下午|傍晚|傍黑|擦黑|晚上|黑夜|黑|夜里|夜间"
    r"|深夜|后半夜|半夜|凌晨)"
)
# minutes: 七点二十 / 七点五分, not the 一 of 七点一直响
_CLOCK = rf"(?:{_N}{{1,3}}(?:点|时)(?:半|多|来钟|钟|一刻|{_N}{{2,3}}分?|{_N}分)?(?:左右)?|\d{{1,2}}:\d{{2}})"
_RECUR = (
    rf"(?:每天|天天|每晚|每日|每个?(?:周|星期|礼拜){_WEEKDAY}"
    r"|每年(?:春天|夏天|秋天|冬天|春节|过年|开春|雨季))"
)
# 年底 / 月初 / 中旬 on their own: the current year or month is meant
_PERIOD = r"(?:年初|年底|年末|月初|月底|月末|上旬|中旬|下旬)"
_ANCHOR = rf"(?:{_YEAR}|{_MONTH}|{_WEEK}|{_DAY}|{_AGO}|{_FESTIVAL}|{_PERIOD})"

TIME_PATTERN = re.compile(
    rf"{_ANCHOR}+{_PART}?{_CLOCK}?(?:左右|前后|以前|以后|之前|之后)?"
    rf"|{_RECUR}(?:{_PART}{_CLOCK}?|{_CLOCK})?"
    rf"|{_PART}{_CLOCK}(?:以前|以后|之前|之后)?"
)
#: A match followed by these is an address or an amount (3月5号楼 is rare,
#: 5号线 and 十二点五元 are not); preceded by a digit it is part of a number.
_NOT_AFTER = re.compile(r"^(?:楼|线|院|栋|单元|元|块|毛|角|度|斤|米|公里|岁)")
_AGE = re.compile(r"^(?:都|已经|才|快|有)?[0-9零〇一二两三四五六七八九十几]+(?:岁|周岁|了)")
#: Only a match ending in a number can run into an address or amount
#: (夜儿个黑楼上… is a time followed by 楼上).
_ENDS_IN_NUMBER = re.compile(r"[0-9零〇一二两三四五六七八九十号日点时分半]$")
_NOT_BEFORE = re.compile(r"(?:[0-9零〇一二两三四五六七八九十几]|第)$")


def find_times(text: str) -> List[Tuple[int, int, str]]:
    """(start, end, text) of every time expression, left to right, longest first."""
    found = []
    for match in TIME_PATTERN.finditer(text or ""):
        start, end = match.span()
        if match.group(0) in ("每天", "天天", "每晚", "每日"):
            continue  # bare frequency: says how often, not when
        if _AGE.match(text[end:]) and match.group(0) in ("今年", "去年", "明年"):
            continue  # 我今年六十八了: an age, not a time
        ends_in_number = bool(_ENDS_IN_NUMBER.search(match.group(0)))
        if (ends_in_number and _NOT_AFTER.match(text[end:])) or _NOT_BEFORE.search(text[:start]):
            continue
        found.append((start, end, match.group(0)))
    return found


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class TimeEntityExtractor(StatelessComponent, EntityExtractorMixin):
    """Adds `time` entities found by `find_times` (the value is the span as said)."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found: List[Dict[str, Any]] = [
                {"entity": "time", "value": value, "start": start, "end": end}
                for start, end, value in find_times(message.get(TEXT) or "")
            ]
            if found:
                message.set(
                    ENTITIES,
                    message.get(ENTITIES, []) + self.add_extractor_name(found),
                    add_to_output=True,
                )
        return messages
