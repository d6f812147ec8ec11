"""Pure text helpers for the actions: what to keep, what to ask, what to say."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

_TRIGGERS = re.compile(
    r"(领导|同志|工作人员)?(你好|您好)|我(要|想)?(投诉|反映|举报|咨询|建议)(一下|一个|个)?"
    r"(问题|情况|事情?)?|(投诉|反映|举报)(一下)?|说个事儿?|有个(问题|事)|提个(建议|意见)"
    r"|我有个(建议|意见|问题)|麻烦(你们|您)?|请问"
)
_NOT_CONTENT = re.compile(r"[\s\W_]+", re.UNICODE)

#: Time expressions that answer "when" (发生时间). Bare times of day such as
#: 半夜 describe the problem, not its date, so they do not count.
_DAY = (
    r"(今|昨|前)(天|晚)|大前天|上(个)?(周|星期|礼拜)[一二三四五六日天]?|这(几|两)天|"
    r"最近(一段时间|几天|一个月|两个月|半年)?|近(几|两|三)?(天|周|个月)|"
    r"\d{1,2}月\d{1,2}[日号]?|\d{1,2}[日号]|[上这本](个)?月(初|底|中旬)?|"
    r"今年(\d{1,2}月|年初)?|去年|(\d+|[一两三四五六七八九十几半]+)(天|周|个星期|个月|年)(前|以前|了|多了)|"
    r"每天|天天|每晚|每周|长期|一直|经常|多年"
)
_TIME_OF_DAY = r"(早上|上午|中午|下午|傍晚|晚上|夜里|半夜|凌晨)?([\d一二三四五六七八九十两]{1,3}点(半|多|左右)?)?"
_TIME = re.compile(f"({_DAY})(开始)?{_TIME_OF_DAY}")
_REQUEST = re.compile(
    r"(?P<verb>希望|要求|恳请|请求|强烈要求|请(?:有关|相关)部门|请政府|麻烦(?:有关|相关)部门)"
    r"(?P<what>[^。！？!?\n]{2,80})"
)
_NAME = re.compile(
    r"(?:我叫|我是|姓名(?:是|叫)?[:：]?|名字(?:是|叫)?[:：]?|称呼我)\s*"
    r"([\u4e00-\u9fa5]{1,4}?)(?=[，,。\s]|$|电话|手机|联系|先生|女士|\d)"
)
_SURNAME = re.compile(r"我姓([\u4e00-\u9fa5]{1,2})")
_HAN_NAME = re.compile(r"^[\u4e00-\u9fa5·]{2,6}(先生|女士)?$")
_ANONYMOUS = re.compile(r"匿名|不留(名|姓名|电话|联系方式)|不想留|不方便(留|透露)")
_DONT_KNOW = re.compile(r"不(清楚|知道|晓得|确定)|不记得|忘了")
_ADDRESS_WORDS = re.compile(
    r"路|街|道|巷|号|院|小区|社区|村|组|楼|栋|单元|广场|大厦|中心|市场|公园|学校|医院|"
    r"交叉口|路口|附近|门口|对面|旁边|东|西|南|北"
)
_SAME_NUMBER = re.compile(r"本机|这个号(码)?|来电号码|就用(这|现在)|当前号码")


def substantive_content(text: str) -> str:
    """What is left of a message once greetings and 'I want to complain' are gone."""
    return _NOT_CONTENT.sub("", _TRIGGERS.sub("", text or ""))


def is_story(text: str, minimum: int = 6) -> bool:
    """Whether a first message already tells what happened."""
    return len(substantive_content(text)) >= minimum


def find_time(text: str) -> Optional[str]:
    match = _TIME.search(text or "")
    return match.group(0).strip() if match else None


def find_request(text: str) -> Optional[str]:
    match = _REQUEST.search(text or "")
    if not match:
        return None
    return (match.group("verb") + match.group("what")).strip(" ，,")


def find_name(text: str) -> Optional[str]:
    text = text or ""
    match = _NAME.search(text)
    if match:
        return match.group(1)
    match = _SURNAME.search(text)
    if match:
        return match.group(1)
    return None


def bare_name(text: str) -> Optional[str]:
    """A reply that is nothing but a name, e.g. 张三 or 李女士."""
    stripped = re.sub(r"[\s，,。.！!]", "", text or "")
    return stripped if _HAN_NAME.match(stripped) else None


def wants_anonymity(text: str) -> bool:
    return bool(_ANONYMOUS.search(text or ""))


def does_not_know(text: str) -> bool:
    return bool(_DONT_KNOW.search(text or ""))


def looks_like_address(value: str) -> bool:
    """A plausible address: names a road, a building, a compound or a direction."""
    return len(value or "") >= 2 and bool(_ADDRESS_WORDS.search(value))


def means_same_number(text: str) -> bool:
    return bool(_SAME_NUMBER.search(text or ""))


def shorten(text: str, limit: int = 60) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def place_label(slots: Dict[str, Any]) -> str:
    parts = [slots.get("district"), slots.get("street"), slots.get("address")]
    return "".join(p for p in parts if p and p != UNKNOWN_STREET) or "未提供"


UNKNOWN_STREET = "不详"

PURPOSE_LABELS = {"complaint": "投诉求决", "suggestion": "意见建议", "consultation": "咨询"}
LEVEL_LABELS = {"city": "市级", "district": "区县级", "street": "街道/乡镇级"}


def case_facts(slots: Dict[str, Any]) -> List[str]:
    """The structured summary of a matter, without personal data."""
    lines = [f"类型：{PURPOSE_LABELS.get(slots.get('purpose') or 'complaint', '投诉求决')}"]
    lines.append(f"事项：{shorten(slots.get('description') or '')}")
    if slots.get("purpose") != "consultation":
        lines.append(f"地点：{place_label(slots)}")
    if slots.get("occurred_time"):
        lines.append(f"时间：{slots['occurred_time']}")
    if slots.get("request_text"):
        lines.append(f"诉求：{shorten(slots['request_text'], 40)}")
    return lines


def summary_text(slots: Dict[str, Any]) -> str:
    """The read-back (复述确认) before submission, to the citizen only."""
    if slots.get("anonymous"):
        contact = "联系人：匿名"
    else:
        contact = (
            f"联系人：{slots.get('person_name') or ''}，电话 {slots.get('phone_number') or ''}"
        )
    return "\n".join(
        ["请您核对一下："]
        + case_facts(slots)
        + [contact, "信息无误请回复“对”，需要修改请直接告诉我哪里不对。"]
    )


def receipt_text(receipt: Dict[str, str]) -> str:
    """What the citizen keeps after registration (登记回执)."""
    level = LEVEL_LABELS.get(receipt.get("unit_level", ""), "")
    unit = receipt.get("unit_name", "")
    return (
        "您的反映已登记。\n"
        f"信访件编号：{receipt['number']}\n"
        f"查询码：{receipt['query_code']}（请妥善保存，查询进度时需要）\n"
        f"承办单位：{unit}{f'（{level}）' if level else ''}\n"
        f"我们会在{format_date(receipt.get('accept_by', ''))}前告知您是否受理。"
    )


def format_date(iso_date: str) -> str:
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso_date or "")
    if not match:
        return "15日内"
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"
