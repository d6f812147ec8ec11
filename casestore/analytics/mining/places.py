"""Place and organisation mentions (问题属地/被反映单位) in complaint text.

Complaints name the matter's place in free text: "A5区劳动东路魅力之城小区一楼…",
"A市万科魅力之城商铺…", "西地省涉外经济学院…". A mention is a run of name
characters ending in a place or organisation suffix (小区, 之城, 学院, 物业,
公司 …); leading administrative prefixes (省/市/区/县), road names and filler
words ("反映", "我是") are stripped, so the different wordings of one place
share a key ("魅力之城"). Works on pseudonymised names (A市A5区) and on real
ones alike; no gazetteer is needed, though known district names can be given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Suffix → kind. Longest first in the pattern, so "幼儿园" wins over "园".
_SUFFIXES: dict[str, str] = {
    **dict.fromkeys(
        "小区 花园 之城 新城 家园 公寓 大厦 广场 华府 苑 府 湾 城 园 新村 村 社区".split(),
        "residence",
    ),
    **dict.fromkeys(
        "学院 大学 中学 小学 幼儿园 学校 医院 卫生院 公司 集团 物业 银行 酒店 工厂 厂 "
        "市场 商场 超市 车站 中心 驾校 车贷".split(),
        "organisation",
    ),
    **dict.fromkeys("街道 镇 乡".split(), "area"),
    **dict.fromkeys("大道 路 街 巷 高速 大桥 地铁".split(), "road"),
}
# A suffix followed by these characters is the start of a common word, not a name's end:
# 城市/城管/城乡, 园林/园区, 村民/村委, 市场监管, 路灯/路面.
_NOT_AFTER = {
    "城": "市管乡区际",
    "园": "林区长",
    "村": "民委级干",
    "市场": "监价",
    "路": "灯面费况线",
}
_SUFFIX_RE = re.compile(
    "|".join(
        re.escape(s) + (f"(?![{_NOT_AFTER[s]}])" if s in _NOT_AFTER else "")
        for s in sorted(_SUFFIXES, key=len, reverse=True)
    )
)
MAX_NAME_CHARS = 8  # a name reaches back at most this far before its suffix
_NAME_CHAR = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]")
# Characters that do not occur inside names: a mention never reaches back over them.
_BREAKERS = set(
    "的在是我了和与及对向从把被让给到于为因等都也很请已还就并或但而又这那其该各此每个有无"
    "距称说将要会能可使由以往至去进求管时候必须参"
)
_ADMIN_ANY_RE = re.compile(r"[\u4e00-\u9fa5]{2}省|[A-Z]\d{0,2}[市区县]|[\u4e00-\u9fa5]{2,4}自治州")
_ROAD_PREFIX_RE = re.compile(
    r"^[\u4e00-\u9fa5A-Za-z0-9]{1,6}?(?:大道|路|街)(?:[东西南北中]段)?(?:\d+号)?"
)
_FILLER_RE = re.compile(
    r"^(?:关于|反映|投诉|举报|咨询|建议|请问|希望|要求|位于|地处|座落|坐落|住在|居住|我们|本人|业主|"
    r"市民|一名|请求|强烈|紧急|严重|恳请|为何|为什么|如何|原|新建|修建|违建|在建|建设|开设|开办|设立|"
    r"拒绝|违规|违法|涉嫌|无证|非法|进一步|加强|加快|大力|推进|附近|旁边|周边|对面|门口|现|近|近期|目前)+"
)
_GENERIC = set(
    "县城 旧城 城市 农村 校园 公园 乐园 家园 花园 本村 该村 本小区 该小区 老小区 新小区 商品房小区 "
    "物业公司 开发商公司 公司 学校 医院 银行 超市 市场 工厂 中心 广场 小区 社区 城区 新城 "
    "高速 地铁 大道 街道 马路 公路 道路 铁路 线路 修路 一路 全城 满城 进城 主城 "
    "村 村村 组村 新村 行政村 自然村 镇 乡镇 城乡 乡村 上街 临街 沿街 后街 大街 小巷 "
    "保障房小区 安置小区 安置房小区 老旧小区 开放式小区".split()
)
_DISTRICT_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z]\d{1,2}[区县])")


@dataclass(frozen=True)
class Mention:
    """One named place or organisation: ``name`` as written (cleaned), ``key`` for matching."""

    name: str
    key: str
    kind: str  # residence | organisation | area | road


@dataclass
class Places:
    """What a text says about where the matter is."""

    districts: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        """Keys of the specific places (compounds, organisations, villages, towns)."""
        return {m.key for m in self.mentions if m.kind != "road"}

    @property
    def road_keys(self) -> set[str]:
        return {m.key for m in self.mentions if m.kind == "road"}


def clean(text: str) -> str:
    """NFKC (full-width → half-width), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _strip_prefixes(span: str, known_districts: Iterable[str]) -> str:
    """Cut everything up to the last administrative name, then leading filler words."""
    cut = 0
    for admin in _ADMIN_ANY_RE.finditer(span):
        cut = max(cut, admin.end())
    for name in known_districts:
        at = span.rfind(name)
        if at >= 0:
            cut = max(cut, at + len(name))
    if cut < len(span):
        span = span[cut:]
    match = _FILLER_RE.match(span)
    if match and match.end() < len(span):
        span = span[match.end() :]
    return span


def _strip_road(span: str, suffix: str) -> str:
    """ "劳动东路魅力之城小区" → "魅力之城小区", unless the road is the name ("花园路小区")."""
    match = _ROAD_PREFIX_RE.match(span)
    if match and len(span) - match.end() - len(suffix) >= 2:
        return span[match.end() :]
    return span


def mention_key(name: str, kind: str) -> str:
    """Matching key: the name without a trailing generic word (小区, 社区)."""
    for tail in ("小区", "社区"):
        if kind == "residence" and name.endswith(tail) and len(name) - len(tail) >= 2:
            return name[: -len(tail)]
    return name


def _is_name(span: str, suffix: str, kind: str) -> bool:
    core = span[: -len(suffix)]
    if len(core) < (1 if kind == "road" else 2) or span in _GENERIC or span.endswith("政府"):
        return False
    # "本小区", "两个小区", "三号路": a determiner or numeral, not a name.
    return not re.match(r"^[某该本此这那各每]|^[一二三四五六七八九十百两几多]+$", core)


def find_places(text: str, known_districts: Iterable[str] = ()) -> Places:
    """District tokens and place/organisation mentions of ``text``, in order, deduplicated."""
    text = clean(text)
    districts = list(dict.fromkeys(_DISTRICT_TOKEN_RE.findall(text)))
    known = tuple(sorted(known_districts, key=len, reverse=True))
    for name in known:
        if name in text and name not in districts:
            districts.append(name)
    mentions: list[Mention] = []
    last_start = last_end = -1
    last_kept, last_kind = False, ""
    for match in _SUFFIX_RE.finditer(text):
        suffix = match.group(0)
        kind = _SUFFIXES[suffix]
        if match.start() == last_end and not (last_kind == "road" and kind != "road"):
            # "魅力之城" + "小区", "花园" + "路": the suffix extends the name just read.
            start = last_start
            if last_kept:
                mentions.pop()
        else:
            start = match.start()
            floor = max(last_end, match.start() - MAX_NAME_CHARS, 0)
            while start > floor and _NAME_CHAR.match(text[start - 1]):
                if text[start - 1] in _BREAKERS:
                    break
                start -= 1
            if start == last_end and last_kept and mentions[-1].kind == kind == "residence":
                start = last_start  # "伊景园" + "滨河苑" is one compound
                mentions.pop()
        last_start, last_end, last_kind = start, match.end(), kind
        span = _strip_prefixes(text[start : match.end()], known)
        if kind != "road":
            span = _strip_road(span, suffix)
        last_kept = _is_name(span, suffix, kind)
        if last_kept:
            mentions.append(Mention(span, mention_key(span, kind), kind))
    unique: dict[tuple[str, str], Mention] = {}
    for mention in mentions:
        unique.setdefault((mention.key, mention.kind), mention)
    mentions = list(unique.values())
    return Places(districts=districts, mentions=mentions)


def key_tails(key: str) -> list[str]:
    """The key and its shorter tails that still name something ("万科魅力之城" → …, "魅力之城"):
    brand or area prefixes come and go between wordings, the tail stays. A tail that is
    generic ("物业公司") or starts with a suffix word names nothing and is left out."""
    match = _SUFFIX_RE.search(key, len(key) - 3) if len(key) >= 3 else None
    suffix = len(match.group(0)) if match and match.end() == len(key) else 1
    tails = [key]
    for start in range(1, max(1, len(key) - suffix - 1)):
        tail = key[start:]
        if len(tail) >= 3 and tail not in _GENERIC and not _SUFFIX_RE.match(tail):
            tails.append(tail)
    return tails


def keys_agree(a: set[str], b: set[str]) -> bool:
    """Two key sets name the same place: equal keys or one contained in the other (≥ 3 chars)."""
    for x in a:
        for y in b:
            if x == y or (min(len(x), len(y)) >= 3 and (x in y or y in x)):
                return True
    return False
