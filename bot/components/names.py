"""Citizens' names (姓名识别): what follows 我叫 / 我姓 / 姓名, or a bare name.

A name is taken only where the citizen introduces it (我叫李红梅, 免贵姓刘,
姓名王建民, 名字写马晓燕) or answers with nothing but a name (孙建军). Whether
the words are a name is jieba's part-of-speech lexicon's call (`nr`), so
我是外卖小哥 or 我是新密市的 are not names. The statistical model often cut
names in half (红梅 for 李红梅); these rules are exact where they apply.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.base import StatelessComponent

_HAN = "\u4e00-\u9fa5"
#: 我叫 X / 姓名 X: X is a name (2–3 characters) if jieba says so.
_INTRODUCED = re.compile(
    rf"(?:[我俺]叫|[我俺]的名字(?:是|叫)|名字(?:是|叫|写|就写)?|姓名(?:是|叫|写)?|全名(?:是|叫)?|联系人(?:是)?"
    rf"|姓\s*[{_HAN}]{{1,2}}\s*[，,、\s]*叫)[:：]?\s*"
    rf"(?=[{_HAN}]{{2}})"
)
#: 我是 X / 本人 X: weaker (我是环卫工人), so X must be a 3-character name.
_SELF = re.compile(rf"(?:我是|本人)\s*(?=[{_HAN}]{{3}})")
#: 我姓 X / 免贵姓 X: the surname alone.
_SURNAME = re.compile(r"(?:[我俺]姓|免贵姓|贵姓|本人姓|^\s*姓)\s*([^\W\d_啥什谁哪怎名])")
_ANSWER_PUNCT = re.compile(r"[\s，,。.！!？?]")

#: Common surnames (单姓) and compound surnames (复姓). After 我叫 / 名字是 a
#: known surname plus one or two characters is the name, whatever jieba's
#: lexicon says: it splits 马红霞 into 马/红霞 and reads 韩国庆 as 韩国 + 庆.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿"
    "关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华"
    "喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗"
    "瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝原"
)
COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "慕容", "令狐", "皇甫", "尉迟", "公孙",
    "夏侯", "长孙", "宇文", "司徒", "轩辕", "端木", "独孤", "南宫", "西门", "呼延", "申屠",
)  # fmt: skip
#: Characters that end a name when they follow it (就行, 电话, 今年…).
_AFTER_NAME = set("就吧的啊呀哈嘞呢是在住家今年电手联身号我俺这那们了，,。.！!？?、 ")
#: 我是王经理 is a role, not a name.
_TITLES = (
    "经理",
    "师傅",
    "老师",
    "大爷",
    "大妈",
    "阿姨",
    "书记",
    "主任",
    "女士",
    "先生",
    "律师",
    "医生",
    "总",
)


@lru_cache(maxsize=4096)
def _pos(text: str) -> Tuple[Tuple[str, str], ...]:
    import jieba.posseg  # lazily: the lexicon loads on first use, not at import

    return tuple((w.word, w.flag) for w in jieba.posseg.cut(text))


def _is_name(candidate: str, strict: bool) -> bool:
    """Every word of the candidate is a person-name word (`nr`).

    Strictly, a 2-character single word does not count: tagged `nr`, it is
    as often a word (谢谢) as a name.
    """
    words = _pos(candidate)
    if not words or not all(flag.startswith("nr") for _, flag in words):
        return False
    return not (strict and len(words) == 1 and len(candidate) < 3)


def _name_at(text: str, start: int, strict: bool, lengths=(3, 2)) -> Optional[str]:
    for length in lengths:
        candidate = text[start : start + length]
        if len(candidate) == length and re.fullmatch(rf"[{_HAN}]+", candidate):
            if _is_name(candidate, strict):
                return candidate
    return None


_NOT_NAME_END = tuple("区县市镇乡村路街省局委厂店站队所院")


def _is_role_or_place(name: str) -> bool:
    """王经理, 金水区: a role or a place, not a name."""
    return name.endswith(_NOT_NAME_END) or any(name[1:].endswith(t) for t in _TITLES)


def _surname_name_at(text: str, start: int, need_end: bool = False) -> Optional[str]:
    """A known surname at ``start`` and a 1–2 character given name."""
    surname = next((c for c in COMPOUND_SURNAMES if text.startswith(c, start)), None)
    if surname is None and start < len(text) and text[start] in SURNAMES:
        surname = text[start]
    if surname is None:
        return None
    given_start = start + len(surname)
    given = ""
    for ch in text[given_start : given_start + 2]:
        if not re.fullmatch(rf"[{_HAN}]", ch) or (given and ch in _AFTER_NAME):
            break
        given += ch
    if not given or given[0] in _AFTER_NAME:
        return None
    name = surname + given
    if need_end:
        after = text[start + len(name) : start + len(name) + 1]
        if after and after not in _AFTER_NAME:
            return None
        if len(given) < 2:
            return None
        # 我是白天来的: the surname character starts a common word (白天)
        first_word, flag = _pos(name)[0]
        if len(first_word) >= 2 and not flag.startswith("nr"):
            return None
    return name


def find_person_names(text: str) -> List[Tuple[int, int, str]]:
    """(start, end, name) of names the citizen gives for themselves."""
    text = text or ""
    found: List[Tuple[int, int, str]] = []
    for match in _SURNAME.finditer(text):
        start = match.start(1)
        # 免贵姓欧阳: a compound surname (复姓) is the surname
        surname = next((c for c in COMPOUND_SURNAMES if text.startswith(c, start)), match.group(1))
        found.append((start, start + len(surname), surname))
    for pattern, strict, lengths in ((_INTRODUCED, False, (3, 2)), (_SELF, True, (3,))):
        for match in pattern.finditer(text):
            name = _surname_name_at(text, match.end(), need_end=strict) or _name_at(
                text, match.end(), strict, lengths
            )
            if name and not _is_role_or_place(name):
                found.append((match.end(), match.end() + len(name), name))
    bare = _bare_name(text) or _name_before_number(text)
    if bare and not found:
        found.append(bare)
    # 免贵姓孙 叫孙红梅: the surname said first is part of the full name
    names = [name for _, _, name in found]
    found = [f for f in found if not any(n != f[2] and n.startswith(f[2]) for n in names)]
    return sorted(set(found))


def _bare_name(text: str) -> Optional[Tuple[int, int, str]]:
    """A reply that is a name and nothing else (孙建军, 王秀英)."""
    stripped = _ANSWER_PUNCT.sub("", text)
    if not re.fullmatch(rf"[{_HAN}]{{2,3}}", stripped) or not _is_name(stripped, strict=True):
        return None
    start = text.find(stripped)
    return (start, start + len(stripped), stripped) if start >= 0 else None


def _name_before_number(text: str) -> Optional[Tuple[int, int, str]]:
    """白玉霞 手机13949563317: a reply that starts with a name, then a number."""
    match = re.match(rf"\s*([{_HAN}]{{2,4}})[\s，,、:：]+[^\dA-Za-z]{{0,4}}\d{{7,}}", text)
    if not match:
        return None
    word = match.group(1)
    name = _surname_name_at(word, 0)
    if name != word:
        return None
    return (match.start(1), match.end(1), word)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class PersonNameExtractor(StatelessComponent, EntityExtractorMixin):
    """Adds `person_name` entities found by `find_person_names`."""

    @classmethod
    def create(cls, *args: Any, **kwargs: Any) -> PersonNameExtractor:
        _pos("张三")  # load jieba's part-of-speech lexicon with the model, not on a turn
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found: List[Dict[str, Any]] = [
                {"entity": "person_name", "value": value, "start": start, "end": end}
                for start, end, value in find_person_names(message.get(TEXT) or "")
            ]
            if found:
                message.set(
                    ENTITIES,
                    message.get(ENTITIES, []) + self.add_extractor_name(found),
                    add_to_output=True,
                )
        return messages
