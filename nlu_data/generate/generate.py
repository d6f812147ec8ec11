"""Generates varied NLU training examples in Zhengzhou's voice.

Usage (Rasa env, after `make gazetteer`):
  python -m nlu_data.generate.generate --gazetteer var/gazetteer/zhengzhou.json \
      --out var/nlu_generated/generated_nlu.yml

Templates × the city's real places (from the gazetteer, so another city is a
configuration change) × the complaint topics of the category seed data,
then surface variation: no punctuation (as speech recognition delivers it),
dialect (俺、咋、恁、中、嘞), homophone typos, traditional characters, and
numbers spoken as Chinese digits (幺、两、洞). Deterministic (fixed seed).
Examples of the held-out test set (tests/nlu_heldout/) are never emitted.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "bot" / "category" / "data" / "seed.yml"
HELDOUT_DIR = ROOT / "tests" / "nlu_heldout"

PUNCT = re.compile(r"[，。！？、,.!?：:；;\s]")
DIALECT = [
    ("我们", "俺们"),
    ("我", "俺"),
    ("怎么", "咋"),
    ("为什么", "为啥"),
    ("你们", "恁"),
    ("什么", "啥"),
    ("好的", "中"),
    ("可以", "中"),
    ("的", "嘞"),
    ("没有", "木有"),
]
TYPOS = [
    ("反映", "反应"),
    ("噪音", "燥音"),
    ("投诉", "投述"),
    ("处理", "处里"),
    ("工资", "工姿"),
    ("已经", "以经"),
    ("在", "再"),
    ("的", "得"),
    ("物业", "务业"),
    ("催办", "摧办"),
]
SPOKEN = {
    "0": "零洞",
    "1": "一幺",
    "2": "二两",
    "3": "三",
    "4": "四",
    "5": "五",
    "6": "六",
    "7": "七拐",
    "8": "八",
    "9": "九勾",
}


EMERGENCIES = [
    "着火了",
    "楼里冒烟了",
    "有人打架动刀了",
    "有人晕倒了",
    "有人要跳楼",
    "煤气泄漏了",
    "出车祸了有人受伤",
    "有人落水了",
    "我被人打了",
    "老人摔倒起不来了",
    "有人持刀伤人",
    "孩子不见了",
    "有人喝药了",
    "房子塌了",
    "我不想活了",
    "有人昏迷不醒",
    "有人流了好多血",
    "有人被困在电梯里",
    "有人触电了",
    "小孩掉水里了",
    "家里燃气味很大",
    "老公在家打我",
    "有人拿着棍子追着打人",
    "路上撞车了有人倒地",
    "工地塌方埋人了",
    "有人吃东西噎住了",
    "病人喘不上气了",
    "楼道里着大火了",
    "俺妈突然晕过去了叫不醒",
    "人倒地上抽起来了",
    "天然气管子漏气了",
    "厨房一股煤气味",
    "有人在河边要往下跳",
    "有人站在天台上想不开",
    "邻居家冒烟了门还锁着",
    "我被人堵住了他们要打我",
    "有人拿刀子在砍人",
    "家里的老人没气了",
    "孩子吞了个硬币喘不上来",
    "电动车在楼道里烧起来了",
    "他喝了农药了",
    "有人被车轧住了",
    "变压器着火了还在冒火星",
]


class Gen:
    def __init__(self, gazetteer: dict, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.districts: list[tuple[str, str]] = []  # (surface, canonical)
        self.streets: list[
            tuple[str, str, str]
        ] = []  # (district surface, canonical district, street)
        for district in gazetteer["districts"]:
            names = [district["name"]] + [a for a in district.get("aliases", []) if len(a) >= 3]
            for name in names:
                self.districts.append((name, district["name"]))
            for street in district.get("streets", []):
                self.streets.append((self.rng.choice(names), district["name"], street["name"]))
        self.other_places = [c["name"] for c in gazetteer.get("other_cities", [])][:60]
        seed_data = yaml.safe_load(SEED.read_text(encoding="utf-8"))["categories"]
        self.topics = [t for spec in seed_data.values() for t in spec.get("topics", [])]
        self.stories = [e for spec in seed_data.values() for e in spec.get("examples", [])]

    # ---------------------------------------------------------------- pieces
    def pick(self, items):
        return self.rng.choice(items)

    def district(self) -> str:
        surface, canonical = self.pick(self.districts)
        if surface == canonical:
            return f"[{surface}](district)"
        return f'[{surface}]{{"entity": "district", "value": "{canonical}"}}'

    def place(self) -> str:
        roll = self.rng.random()
        if roll < 0.45:
            surface, canonical, street = self.pick(self.streets)
            d = (
                f"[{surface}](district)"
                if surface == canonical
                else f'[{surface}]{{"entity": "district", "value": "{canonical}"}}'
            )
            return d + f"[{street}](street)"
        if roll < 0.8:
            return self.district()
        return f"[{self.pick(self.streets)[2]}](street)"

    def phone(self) -> tuple[str, str]:
        digits = self.pick(["13", "15", "18", "17", "19"]) + "".join(
            self.rng.choice("0123456789") for _ in range(9)
        )
        if self.rng.random() < 0.4:
            spoken = "".join(self.rng.choice(SPOKEN[d]) for d in digits)
            return f'[{spoken}]{{"entity": "phone_number", "value": "{digits}"}}', digits
        if self.rng.random() < 0.15:
            fixed = "0371-" + "".join(self.rng.choice("0123456789") for _ in range(8))
            return f"[{fixed}](phone_number)", fixed
        return f"[{digits}](phone_number)", digits

    def case_number(self) -> str:
        number = (
            "2026"
            + self.pick(["09", "10", "11"])
            + f"{self.rng.randint(1, 28):02d}"
            + f"{self.rng.randint(1, 300):04d}"
        )
        form = self.rng.random()
        if form < 0.6:
            return f"[XF{number}](case_number)"
        if form < 0.75:
            return f"[xf{number}](case_number)"
        return f"[{number}](case_number)"

    def name(self) -> str:
        surname = self.pick(
            "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
        )
        given = "".join(
            self.rng.choice(
                "建国秀英桂兰志强丽娟红梅伟军海燕玉凤永刚晓东春华明亮金花宝山淑芬子涵浩然欣怡雪振"
            )
            for _ in range(self.rng.choice([1, 2, 2]))
        )
        return f"[{surname}{given}](person_name)"

    def time(self) -> str:
        return (
            "["
            + self.pick(
                [
                    "昨天晚上",
                    "前天下午",
                    "今天上午",
                    "上周三",
                    "上个月",
                    "这个月初",
                    "去年年底",
                    "这个礼拜",
                    "每天晚上十点",
                    "天天早上六点",
                    "上个月初",
                    "三天前",
                    "半个月前",
                    "前几天",
                    "大前天夜里",
                    "今年五月份",
                    "上礼拜",
                    "周末",
                    "10月15号",
                    "十一月三号",
                    "凌晨两点多",
                    "上上个月",
                ]
            )
            + "](time)"
        )

    def topic(self) -> str:
        return self.pick(self.topics)

    # ---------------------------------------------------------------- variation
    def vary(self, text: str, annotated: bool) -> str:
        if self.rng.random() < 0.3:
            for a, b in DIALECT:
                if a in text and self.rng.random() < 0.5:
                    text = text.replace(a, b, 1)
        if self.rng.random() < 0.12:
            a, b = self.pick(TYPOS)
            text = text.replace(a, b, 1)
        if self.rng.random() < 0.35:
            text = PUNCT.sub("", text) if not annotated else re.sub(r"[，。！？、：；]", "", text)
        if not annotated and self.rng.random() < 0.08:
            from opencc import OpenCC

            text = OpenCC("s2t").convert(text)
        return text


def build(gen: Gen, scale: float = 0.6) -> dict[str, list[str]]:
    r = gen.rng
    out: dict[str, list[str]] = {}

    def many(intent: str, count: int, make, annotated: bool = False) -> None:
        items = out.setdefault(intent, [])
        for _ in range(int(count * scale)):
            items.append(gen.vary(make(), annotated))

    openers = [
        "",
        "",
        "你好，",
        "您好，",
        "领导好，",
        "喂，",
        "那个，",
        "我想说一下，",
        "俺跟恁说，",
        "麻烦问一下，",
    ]
    complain = [
        "我要投诉",
        "我要反映",
        "我想反映一下",
        "我要举报",
        "反映个问题",
        "投诉一下",
        "我要求解决",
        "俺要反映",
        "说个事",
        "想反映个情况",
        "请帮忙解决",
        "求助",
        "举报",
    ]
    tails = [
        "",
        "",
        "，没人管",
        "，希望尽快处理",
        "，都好几个月了",
        "，咋没人管管",
        "，请相关部门管一管",
        "，找了好几次都没用",
        "，严重影响生活",
        "，恁给管管吧",
        "，这中不中啊",
        "，太气人了",
    ]
    many(
        "file_complaint",
        260,
        lambda: (
            f"{r.choice(openers)}{r.choice(complain)}{r.choice(['', '，'])}"
            f"{gen.place() if r.random() < 0.5 else ''}{gen.topic()}{r.choice(tails)}"
        ),
        annotated=True,
    )
    many("file_complaint", 120, lambda: f"{r.choice(openers)}{gen.topic()}{r.choice(tails)}")
    many(
        "file_complaint",
        80,
        lambda: (
            f"{r.choice(openers)}事情是这样的，{r.choice(['我家', '俺家', '我们'])}住在"
            f"{gen.place()}，{gen.time()}开始，{gen.topic()}，{gen.topic()}，"
            f"{r.choice(['我们找过物业和社区', '打过好几次电话', '跟街道也说了', '家里老人孩子都受不了'])}，"
            f"{r.choice(['一直没有结果', '到现在也没人管', '问题还是没解决'])}，{r.choice(['特此反映', '希望政府帮帮我们', '所以来反映一下'])}"
        ),
        annotated=True,
    )
    many("file_complaint", 60, lambda: gen.pick(gen.stories))

    suggest = [
        "建议",
        "我建议",
        "提个建议，",
        "希望",
        "能不能",
        "我觉得应该",
        "有个建议，",
        "提个意见，",
        "俺建议",
        "可不可以",
    ]
    things = [
        "多开几条公交线路",
        "增设几个公交站",
        "多建一些停车场",
        "在路口装红绿灯",
        "加装电梯",
        "多建公园",
        "增加公共厕所",
        "延长地铁运营时间",
        "多建几所学校",
        "在学校门口设减速带",
        "多种点树",
        "修一条自行车道",
        "增设充电桩",
        "办事大厅周末开门",
        "网上能办的事都放到网上",
        "给老人多设几个休息座椅",
        "建个菜市场",
        "增加社区医院的夜间门诊",
        "整治一下占道经营",
        "把老旧小区的管网改造一下",
        "多装几个路灯",
        "开通夜班公交",
    ]
    many(
        "give_suggestion",
        180,
        lambda: (
            f"{r.choice(openers)}{r.choice(suggest)}"
            f"{'在' + gen.place() if r.random() < 0.4 else ''}{r.choice(things)}{r.choice(['', '', '，方便群众', '，谢谢', '，老百姓都盼着呢'])}"
        ),
        annotated=True,
    )

    ask = [
        "怎么办理",
        "需要什么材料",
        "咋办",
        "去哪办",
        "有什么条件",
        "要带啥手续",
        "怎么申请",
        "有什么政策",
        "需要多长时间",
        "在网上能办吗",
        "流程是啥",
    ]
    subjects = [
        "居住证",
        "身份证",
        "户口迁移",
        "社保卡",
        "医保报销",
        "公积金提取",
        "失业金",
        "低保",
        "残疾证",
        "老年卡",
        "营业执照",
        "不动产证",
        "公租房",
        "人才补贴",
        "新生儿落户",
        "孩子入学",
        "结婚登记",
        "养老保险补缴",
        "退休手续",
        "灵活就业社保",
        "离职后公积金",
        "小孩上幼儿园",
        "异地就医备案",
        "生育津贴",
        "驾驶证换证",
        "电动车上牌",
        "准生证",
        "廉租房",
        "高龄补贴",
    ]
    many(
        "ask_policy",
        120,
        lambda: (
            f"{r.choice(['', '请问', '想问下', '俺想问问'])}{r.choice(subjects)}"
            f"{r.choice(['能不能在网上办', '要准备哪些材料', '咋交', '能全部取出来吗', '有啥规定', '找哪个部门', '需要本人去吗', '多久能办下来', '要交钱吗', '有年龄限制吗'])}"
        ),
    )
    many(
        "ask_policy",
        200,
        lambda: (
            f"{r.choice(['', '请问', '咨询一下', '想问问', '我想问一下', '问一下', '俺想问问'])}"
            f"{r.choice(subjects)}{r.choice(ask)}{r.choice(['', '？', '啊', '呢'])}"
        ),
    )

    many(
        "query_case",
        160,
        lambda: r.choice(
            [
                f"{r.choice(['查询', '查一下', '帮我查查', '看看'])}{gen.case_number()}{r.choice(['', '的进度', '办得咋样了', '现在啥状态'])}",
                f"{r.choice(['我上次', '我前几天', '我上个月', '俺之前'])}{r.choice(['反映的', '投诉的', '提交的'])}"
                f"{r.choice(['事', '问题', '件'])}{r.choice(['处理到哪了', '有结果了没', '有人管了吗', '有回复没有', '进展咋样'])}",
                f"{r.choice(['我想', '我要', '帮我'])}{r.choice(['查进度', '查询办理情况', '看看处理结果', '查一下我的诉求'])}",
                f"{r.choice(['编号', '件号', ''])}{gen.case_number()}{r.choice(['办结了没有', '有回音没', '到哪一步了', '谁在办', '处理完了吗'])}",
                f"{r.choice(['上回', '前些天', '之前'])}{r.choice(['反映的', '打电话说的', '网上留言的'])}{r.choice(['那个事儿', '问题', '事'])}"
                f"{r.choice(['有回音没', '办结了没', '有下文没有', '咋样了', '有人看了没'])}",
            ]
        ),
        annotated=True,
    )
    many(
        "urge_case",
        140,
        lambda: r.choice(
            [
                f"{r.choice(['都', '已经', ''])}{r.choice(['一个月', '半个月', '两个礼拜', '好几个月', '二十多天'])}了"
                f"{r.choice(['还没人管', '还没有消息', '一点动静都没有', '也没人联系我'])}{r.choice(['，帮我催一下', '，能不能快点', '，催一催', '，麻烦催办'])}",
                f"{r.choice(['帮我催一下', '催办', '请督办', '麻烦催催'])}{gen.case_number() if r.random() < 0.5 else ''}",
                f"{r.choice(['怎么还没处理', '咋还不办', '到底管不管', '拖到啥时候'])}{r.choice(['', '，赶紧的', '，快点吧'])}",
                f"{r.choice(['请督促', '请你们督促', '麻烦督办', '请催促'])}{r.choice(['一下', ''])}{r.choice(['相关部门', '承办单位', '街道', '他们'])}{r.choice(['尽快办理', '抓紧处理', '按时办结', '快点答复'])}",
            ]
        ),
        annotated=True,
    )
    many(
        "evaluate_case",
        100,
        lambda: r.choice(
            [
                f"{r.choice(['处理结果', '这次处理', '办理结果', '工作人员的态度'])}{r.choice(['很满意', '不满意', '基本满意', '非常不满意', '还可以', '挺好的'])}",
                f"{r.choice(['给个好评', '我要评价', '打个分', '评价一下', '给个差评'])}{r.choice(['', '，问题解决了', '，根本没解决'])}",
                f"{r.choice(['满意', '不满意', '很满意', '一般'])}{r.choice(['', '，', '，谢谢'])}",
            ]
        ),
    )
    many(
        "request_review",
        90,
        lambda: (
            f"{r.choice(['我对', '对', '俺对'])}{r.choice(['答复', '处理意见', '处理结果', '复查结果', '办理结果'])}"
            f"{r.choice(['不服', '不认可', '不满意', '有意见'])}{r.choice(['，申请复查', '，要求复核', '，我要申请复查', '，申请重新处理'])}"
            f"{gen.case_number() if r.random() < 0.2 else ''}"
        ),
        annotated=True,
    )
    many(
        "request_human",
        80,
        lambda: (
            f"{r.choice(['', '给我', '麻烦', '我要', '能不能'])}{r.choice(['转人工', '找人工', '人工服务', '找个真人', '接人工', '转接工作人员', '让接线员来'])}{r.choice(['', '吧', '，我不跟机器说', '，说不清'])}"
        ),
    )
    many(
        "emergency",
        100,
        lambda: (
            f"{r.choice(['', '快', '救命', '快来人'])}{r.choice(['，', ''])}"
            f"{r.choice(EMERGENCIES)}"
            f"{r.choice(['', '，快来', '，赶紧', '，救救我们'])}"
        ),
    )
    many(
        "litigation_matter",
        90,
        lambda: (
            f"{r.choice(['', '我想问', '我要反映', '俺这'])}"
            f"{r.choice(['法院判了对方不执行', '判决生效了钱要不回来', '对法院判决不服', '仲裁裁决了公司不履行', '案子在法院一直拖着', '法院立案后迟迟不开庭', '想申请再审', '对劳动仲裁结果不服', '执行局一直执行不到', '官司赢了对方耍赖'])}"
            f"{r.choice(['', '，咋办', '，怎么办', '，你们管不管'])}"
        ),
    )

    many(
        "inform",
        200,
        lambda: r.choice(
            [
                f"{r.choice(['在', '就在', '地点是', '位置在', '是', '俺在', ''])}{gen.place()}{r.choice(['', '那边', '这块'])}",
                f"{r.choice(['地点不对，是', '不是那儿，是', '改成'])}{gen.place()}",
            ]
        ),
        annotated=True,
    )
    many(
        "inform",
        150,
        lambda: r.choice(
            [
                f"{r.choice(['我的电话是', '电话', '手机号', '联系电话', '我手机', ''])}{gen.phone()[0]}",
                f"{r.choice(['我叫', '我是', ''])}{gen.name()}{r.choice(['，电话', '，手机', ' '])}{gen.phone()[0]}",
                f"{r.choice(['我叫', '我是', '名字是'])}{gen.name()}",
                f"{r.choice(['编号是', '件号', '', '编号'])}{gen.case_number()}",
                f"{r.choice(['查询码', '查询码是', '码是'])}[{r.randint(100000, 999999)}](query_code)",
            ]
        ),
        annotated=True,
    )
    many(
        "inform",
        90,
        lambda: r.choice(
            [
                f"{gen.time()}{r.choice(['', '开始的', '就这样了', '的事'])}",
                f"{r.choice(['希望', '要求', '想让他们'])}{r.choice(['尽快处理', '赔偿损失', '把钱退了', '停止施工', '把路修好', '恢复供暖', '把工资发了', '整改到位', '给个说法'])}",
                f"{r.choice(['匿名', '不留名', '我要匿名', '不留电话了', '不知道', '不清楚'])}",
            ]
        ),
        annotated=True,
    )

    many(
        "greet",
        60,
        lambda: (
            f"{r.choice(['你好', '您好', '喂', '在吗', '有人吗', '哈喽', '早上好', '你好啊', '喂你好'])}{r.choice(['', '，', '，请问', '，在不在'])}"
        ),
    )
    many(
        "goodbye",
        50,
        lambda: (
            f"{r.choice(['', '好的', '中', '行', '那'])}{r.choice(['再见', '拜拜', '就这样吧', '先这样', '挂了啊', '再会', '回见', '下回聊', '回头见', '先挂了'])}"
        ),
    )
    many(
        "thank",
        50,
        lambda: (
            f"{r.choice(['', '好的', '中', '太'])}{r.choice(['谢谢', '感谢', '谢谢恁', '辛苦了', '多谢', '麻烦你们了'])}{r.choice(['', '啊', '了'])}"
        ),
    )
    many(
        "affirm",
        60,
        lambda: (
            r.choice(
                [
                    "对",
                    "是的",
                    "对的",
                    "中",
                    "中中中",
                    "是嘞",
                    "没错",
                    "好",
                    "嗯",
                    "可以",
                    "确认",
                    "提交吧",
                    "就这样",
                    "对着嘞",
                    "行",
                    "没问题",
                    "是这样",
                ]
            )
            + r.choice(["", "", "，提交", "，就这样"])
        ),
    )
    many(
        "deny",
        50,
        lambda: (
            r.choice(
                [
                    "不对",
                    "不是",
                    "不中",
                    "错了",
                    "不是的",
                    "不是嘞",
                    "不行",
                    "不对不对",
                    "没有",
                    "不是这样",
                ]
            )
            + r.choice(["", "", "，写错了", "，改一下"])
        ),
    )
    many(
        "bot_challenge",
        40,
        lambda: (
            r.choice(
                [
                    "你是机器人吗",
                    "你是真人不",
                    "是人工智能吧",
                    "你是AI吗",
                    "我在跟机器聊吗",
                    "是自动回复吧",
                    "你是人是机器",
                ]
            )
            + r.choice(["", "？", "啊"])
        ),
    )
    many(
        "out_of_scope",
        50,
        lambda: (
            r.choice(
                [
                    "讲个笑话",
                    "明天天气咋样",
                    "唱首歌",
                    "推荐个电影",
                    "今晚吃啥",
                    "股票能涨吗",
                    "你几岁了",
                    "帮我点个外卖",
                    "算个数",
                    "陪我聊聊天",
                    "后天会不会下雪",
                    "你会跳舞吗",
                    "帮我算算三加五",
                    "给我讲个故事",
                    "哪里的烩面好吃",
                    "今天星期几",
                    "你喜欢啥颜色",
                    "最近有啥好看的电视剧",
                ]
            )
            + r.choice(["", "吧", "呗"])
        ),
    )
    many(
        "stop",
        50,
        lambda: (
            r.choice(
                [
                    "算了",
                    "不说了",
                    "取消",
                    "不反映了",
                    "不办了",
                    "先不弄了",
                    "退出",
                    "不想说了",
                    "拉倒吧",
                ]
            )
            + r.choice(["", "，算了", "吧"])
        ),
    )
    build_colloquial(gen, out, scale)
    build_stories(gen, out, scale)
    return out


#: who citizens complain about and what they did, said without 投诉/反映
COMPLAINED_ABOUT = [
    "物业",
    "房东",
    "开发商",
    "健身房",
    "外卖平台",
    "网店",
    "商场",
    "医院",
    "诊所",
    "学校",
    "幼儿园",
    "公司",
    "老板",
    "包工头",
    "中介",
    "村干部",
    "社区",
    "供暖公司",
    "燃气公司",
    "自来水公司",
    "电信公司",
    "保险公司",
    "装修公司",
    "理发店",
    "饭店",
    "超市",
    "出租车司机",
    "公交司机",
    "办事窗口的人",
    "执法人员",
]
MISDEEDS = [
    "收了钱不办事",
    "乱收费",
    "不给退钱",
    "押金不退",
    "态度恶劣还骂人",
    "拖着不给工资",
    "卷钱跑路了",
    "说好的事不认账",
    "偷偷涨价",
    "卖假货",
    "东西坏了不给修",
    "推来推去没人管",
    "强买强卖",
    "扣着证件不给",
    "乱罚款",
    "服务太差",
    "把我的东西弄坏了不赔",
    "霸王条款",
    "让我跑了好几趟",
    "一直打电话骚扰",
]
PROBLEMS = [
    "下水道反味",
    "路上全是坑",
    "井盖丢了",
    "垃圾没人清",
    "水压太低上不去楼",
    "自来水有股怪味",
    "天天停电",
    "网线被人剪了",
    "车位被人占了",
    "楼道里堆满杂物",
    "树枝挡住了窗户",
    "灯坏了黑咕隆咚的",
    "门口的路被挖断了",
    "公厕脏得下不去脚",
    "大车拉土撒一路",
    "野狗成群咬人",
    "河沟发黑发臭",
]
DURATIONS = ["半个月", "一个多月", "两三年", "好几个月", "大半年", "十来天", "一年多", "三个星期"]
OUT_OF_SCOPE = [
    "你会画画吗",
    "你会做饭不",
    "你喜欢吃啥",
    "给我念首诗",
    "帮我写篇作文",
    "彩票中奖号码是多少",
    "帮我买张电影票",
    "帮我订个酒店",
    "郑州哪儿好玩",
    "这周末下雨不",
    "火车几点开",
    "长江有多长",
    "一斤苹果多少钱",
    "教我说英语",
    "帮我翻译一下这句话",
    "金价涨了没有",
    "你结婚了吗",
    "你叫啥名字",
    "我好无聊",
    "给我来段相声",
    "帮我打个车",
    "你能借我点钱不",
]


def build_colloquial(gen: Gen, out: dict[str, list[str]], scale: float) -> None:
    """Complaints without trigger words, spoken small talk, more ways to say things."""
    r = gen.rng

    def many(intent: str, count: int, make, annotated: bool = False) -> None:
        items = out.setdefault(intent, [])
        for _ in range(int(count * scale)):
            items.append(gen.vary(make(), annotated))

    lead = ["", "", "", "那个", "俺们这儿", "我们这边", "我跟你说", "是这样", "唉"]
    many(
        "file_complaint",
        150,
        lambda: r.choice(
            [
                f"{r.choice(lead)}{r.choice(['', '这个', '那个', '俺们那个', '我们小区的'])}"
                f"{r.choice(COMPLAINED_ABOUT)}{r.choice(MISDEEDS)}{r.choice(['', '，', ' '])}"
                f"{r.choice(['', '咋办啊', '也没人管', '太欺负人了', '找了也没用'])}",
                f"{r.choice(lead)}{r.choice(['俺家', '我们楼', '小区里', '村里', '门口'])}"
                f"{r.choice(PROBLEMS)}{r.choice(['', '好长时间了', '一直没人弄', '说了也不修'])}",
                f"{r.choice(['这事', '这个问题', '这个事'])}"
                f"{r.choice(['我反映过好几回了', '都说了好多次了', '打过好几次电话了'])}"
                f"{r.choice(['，', ' ', ''])}{gen.topic()}"
                f"{r.choice(['还是没人解决', '一点改变都没有', '到现在也没弄好'])}",
            ]
        ),
    )
    many(
        "file_complaint",
        50,
        lambda: (
            f"{r.choice(['我是', '俺是', '我住'])}{gen.place()}{r.choice(['的', '那边的', ''])}"
            f"{r.choice(['，', ' ', ''])}{r.choice(COMPLAINED_ABOUT)}{r.choice(MISDEEDS)}"
            f"{r.choice(['', '，从' + gen.time() + '到现在', '，' + gen.time() + '的事'])}"
        ),
        annotated=True,
    )
    # a complaint that says when, or how long, is still a complaint (not an answer)
    many(
        "file_complaint",
        90,
        lambda: r.choice(
            [
                f"{r.choice(lead)}{gen.topic()}{r.choice(['，', ' ', ''])}"
                f"{r.choice(['都', '已经', ''])}{r.choice(DURATIONS)}了{r.choice(['', '，没人管', '，还是老样子'])}",
                f"{r.choice(lead)}{r.choice(['', '从'])}{gen.time()}{r.choice(['开始', '起', ''])}"
                f"{r.choice(['，', ' ', ''])}{gen.topic()}",
                f"{gen.topic()}{r.choice(['，', ' ', ''])}{gen.time()}{r.choice(['也', '还', '又'])}"
                f"{r.choice(['这样', '没停', '照样', '来了一回'])}",
            ]
        ),
        annotated=True,
    )
    many(
        "inform",
        60,
        lambda: r.choice(
            [
                f"{r.choice(['希望', '想让', '要求', '就想'])}{r.choice(['把', '尽快把', '赶紧把'])}"
                f"{gen.topic()}{r.choice(['的问题解决了', '这事管管', '处理好'])}",
                f"{r.choice(['免贵姓', '我姓', '姓'])}[{gen.name()[1]}](person_name)",
                f"{gen.name()}{r.choice(['', ' ', '，'])}{r.choice(['电话', '手机', ''])}{gen.phone()[0]}",
                f"{r.choice(['', '就', '那就'])}{gen.name()}",
                f"{r.choice(['联系人', '姓名', '名字写', '我的名字是'])}{gen.name()}",
            ]
        ),
        annotated=True,
    )
    many(
        "out_of_scope",
        60,
        lambda: f"{r.choice(['', '', '那个', '问一下', '小助手'])}{r.choice(OUT_OF_SCOPE)}",
    )
    many(
        "greet",
        30,
        lambda: (
            r.choice(
                [
                    "妳好",
                    "妳好呀",
                    "领导好",
                    "同志你好",
                    "喂喂",
                    "嗨",
                    "哈喽",
                    "晚上好",
                    "下午好",
                    "中午好",
                    "恁好",
                ]
            )
            + r.choice(["", "", "啊", "，在吗", "，有人吗", "，能听到吗"])
        ),
    )
    many(
        "deny",
        30,
        lambda: (
            r.choice(["", "你", "这", "那"])
            + r.choice(
                ["说得不对", "记错了", "写错了", "弄错了", "说的不是这", "搞错了", "不是那回事"]
            )
            + r.choice(["", "", "啊", "，改一下", "，不是这样"])
        ),
    )
    many(
        "request_human",
        30,
        lambda: (
            r.choice(["叫", "让", "找", "喊"])
            + r.choice(["你们工作人员", "你们领导", "接线员", "客服", "人工", "值班的人"])
            + r.choice(["来", "来跟我说", "接一下", "过来", "跟我说"])
            + r.choice(["", "吧", "，机器说不清"])
        ),
    )
    many(
        "urge_case",
        40,
        lambda: r.choice(
            [
                f"{r.choice(['我那个件', '我反映的事', '上回那个事'])}"
                f"{r.choice(['过了期限', '超时了', '拖了好久'])}"
                f"{r.choice(['还没答复', '也没人理', '没个结果'])}"
                f"{r.choice(['，催一下', '，能不能加快', '，抓点紧'])}",
                f"{r.choice(['再', '赶紧', '麻烦'])}{r.choice(['催一催', '督促一下', '给催催'])}"
                f"{r.choice(['吧', '', '，别拖了'])}",
            ]
        ),
    )


#: (who, what they did): a complaint told as a story, without 投诉/反映
DEEDS = {
    "物业": [
        "把消防通道划成了收费车位",
        "把小区的大树砍了好几棵",
        "把俺家的水停了",
        "把业主的快递弄丢了",
        "把公共收益揣进了自己腰包",
        "把电梯锁了说交了钱才给开",
    ],
    "房东": [
        "把押金扣了一大半",
        "把我的行李扔到了门外",
        "把房子又租给了别人",
        "把水电费翻倍收",
        "半夜拿钥匙开门进我屋",
    ],
    "开发商": [
        "把宣传的花园改成了车位",
        "把交房日期一拖再拖",
        "把规划好的学校变成了商铺",
        "把公摊面积多算了十几个平方",
        "收了首付就不见人了",
    ],
    "施工队": [
        "把路挖断了也不回填",
        "把自来水管挖破了",
        "把泥浆排到了马路上",
        "把电缆挖断了整栋楼停电",
        "把渣土倒在了俺家地里",
    ],
    "邻居": [
        "把楼道堵得人都过不去",
        "把垃圾堆在我家门口",
        "把院墙往外扩了一米多",
        "把污水管接到了我家院里",
        "把公共绿地圈成了自家菜园",
    ],
    "装修队": [
        "把楼下人家的顶棚弄漏了",
        "把楼道墙面弄得全是灰",
        "把建筑垃圾倒在了楼下",
        "砸墙砸到了承重墙",
    ],
    "店老板": [
        "把坏了的东西卖给我还不退",
        "把价格偷偷涨了一倍",
        "把货堆到了盲道上",
        "收了会员费就关门了",
    ],
    "快递站": [
        "把我的包裹弄丢了不赔",
        "把快递扔在楼下不送",
        "私自签收了我的快递",
    ],
    "司机": [
        "把俺老娘甩倒在车上也不停",
        "半路把乘客撵下车",
        "多收了一倍的车钱",
        "一路上开得飞快还打电话",
    ],
    "医院": [
        "把我的病历弄丢了",
        "把没必要的检查都开了一遍",
        "把自费药当医保药开给俺爹",
    ],
    "学校": [
        "把孩子的午休取消了",
        "把孩子赶到教室外面站了一上午",
        "收了资料费也不给发票",
        "让学生周末必须到校补课",
    ],
    "村干部": [
        "把集体的钱私分了",
        "把俺家的地分给了别人",
        "把低保名额给了自己亲戚",
        "把修路的钱揣了自己兜里",
    ],
    "执法人员": [
        "把我的电动车拖走了不给手续",
        "把摊子砸了还推人",
        "罚了款不给开票",
    ],
    "培训机构": [
        "把钱收了就关门了",
        "把线下课换成了网课不退钱",
        "老师换了一茬又一茬",
    ],
    "公司": [
        "把我开除了一分补偿没有",
        "把我们的工资压了三个月",
        "扣着毕业证不还",
        "逼着员工签自愿放弃社保",
    ],
}
VICTIM_TAILS = [
    "",
    "",
    "，还不承认",
    "，找他们也不认账",
    "，要求赔偿没人理",
    "，到现在也没个说法",
    "，打电话也不接",
    "，问谁谁都推",
    "，这叫啥事",
    "，咋办啊",
    "，俺们老百姓咋弄",
    "，气得俺一夜没睡",
]
#: short names of matters, for "the … thing I reported"
MATTERS = [
    "路灯",
    "井盖",
    "噪音",
    "漏水",
    "油烟",
    "欠薪",
    "停车",
    "暖气",
    "垃圾",
    "违建",
    "占道",
    "物业",
    "拆迁",
    "停水",
    "下水道",
    "广场舞",
    "工地",
    "夜市",
    "低保",
    "房产证",
    "学校收费",
    "电梯",
    "烧烤摊",
    "狗咬人",
]
POLICY_SUBJECTS = [
    "残疾人补贴",
    "独生子女奖励",
    "独生子女父母奖励扶助",
    "计划生育特别扶助金",
    "契税",
    "首套房贷款利率",
    "公积金贷款",
    "公积金贷款额度",
    "限行",
    "尾号限行",
    "外地车进市区",
    "养老金",
    "城乡居民养老保险",
    "职工医保",
    "居民医保",
    "门诊慢特病",
    "护理补贴",
    "困难残疾人生活补贴",
    "退役军人优待",
    "义务兵家庭优待金",
    "失业保险金",
    "稳岗补贴",
    "求职创业补贴",
    "就业见习补贴",
    "租房补贴",
    "购房补贴",
    "老旧小区改造",
    "加装电梯补贴",
    "殡葬补贴",
    "生育补贴",
    "育儿补贴",
    "托育补贴",
    "高龄津贴",
    "孤寡老人救助",
    "医疗救助",
    "教育资助",
    "营养餐补助",
    "农业补贴",
    "耕地地力保护补贴",
    "危房改造补助",
]
POLICY_QUESTIONS = [
    "咋领",
    "怎么领",
    "能领多少",
    "标准是多少",
    "一个月多少钱",
    "最多能贷多少",
    "是多少",
    "怎么算",
    "谁能申请",
    "有啥条件",
    "啥时候发",
    "在哪申请",
    "要本人去吗",
    "有没有",
    "还有吗",
    "今年变了没有",
    "政策是咋规定的",
    "要交啥材料",
]
OOS_FRAMES = [
    (
        "哪家",
        ["胡辣汤", "烩面", "羊肉汤", "炒凉粉", "火锅", "小龙虾", "烤鸭", "蒸饺"],
        ["最正宗", "最好吃", "最便宜", "人少"],
    ),
    (
        "帮我查下",
        ["快递", "外卖", "我的包裹", "我网上买的东西"],
        ["到哪了", "啥时候到", "咋还没到"],
    ),
    (
        "帮我查下",
        ["明天的天气", "今天的油价", "高铁时刻表", "金价", "彩票开奖结果"],
        ["", "呗", "多少"],
    ),
    (
        "帮我",
        ["订张电影票", "买个蛋糕", "叫辆车", "订个饭店", "抢个演唱会的票", "点杯奶茶"],
        ["", "吧", "呗"],
    ),
    (
        "",
        ["河南队", "建业", "湖人", "国足", "郑州队"],
        ["今晚比赛谁赢了", "下一场啥时候踢", "昨天几比几", "能不能赢"],
    ),
    (
        "",
        [
            "世界上最大的海",
            "最长的河",
            "最高的楼",
            "人体有多少块骨头",
            "光速有多快",
            "恐龙是咋灭绝的",
        ],
        ["是哪个", "是啥", "", "你知道不"],
    ),
    ("", ["你会", "你能"], ["写诗不", "唱歌不", "画画吗", "讲相声不", "算命不", "猜谜语不"]),
]
EMERGENCY_PEOPLE = [
    "我儿子",
    "俺闺女",
    "我爸",
    "俺娘",
    "我老伴",
    "孩子",
    "邻居家老人",
    "一个老太太",
    "我朋友",
    "工友",
]
EMERGENCY_EVENTS = [
    "吃了一瓶安眠药",
    "喝了一瓶农药",
    "晕过去了叫不醒",
    "浑身抽搐口吐白沫",
    "喘不上来气了",
    "大出血止不住",
    "从楼上摔下来了",
    "被车撞了躺着不动",
    "被人捅了一刀",
    "掉水里了",
    "被困在电梯里喘不上气",
    "心口疼得直冒汗",
    "煤气中毒了",
    "说要寻死 拿着刀",
]
FIRE_PLACES = [
    "楼下",
    "隔壁",
    "俺家厨房",
    "小区车棚",
    "对面楼",
    "仓库",
    "三楼那家",
    "工地宿舍",
    "地下室",
    "我们小区二号楼",
    "俺们楼上",
    "小区里七号楼",
    "单元楼道里",
    "我们家",
    "隔壁单元",
]
FIRE_EVENTS = [
    "冒大烟了好像着火了",
    "着火了火很大",
    "起火了有人在里头",
    "烧起来了还有爆炸声",
    "浓烟滚滚看不见人",
]
COURT_THINGS = [
    "法院判了",
    "劳动仲裁赢了",
    "仲裁裁决下来了",
    "调解书签了",
    "判决生效了",
    "官司打赢了",
    "执行申请交了",
    "法院立了案",
]
COURT_PROBLEMS = [
    "对方还是不给钱",
    "公司还是不给钱",
    "他还是不履行",
    "一直执行不到",
    "拖了两年没动静",
    "对方把财产转移了",
    "老板跑了找不到人",
    "法院一直不开庭",
]


def build_stories(gen: Gen, out: dict[str, list[str]], scale: float) -> None:
    """Stories without trigger words, follow-ups about earlier cases, more questions."""
    r = gen.rng

    def many(intent: str, count: int, make, annotated: bool = False) -> None:
        items = out.setdefault(intent, [])
        for _ in range(int(count * scale)):
            items.append(gen.vary(make(), annotated))

    def deed() -> str:
        who = r.choice(list(DEEDS))
        prefix = r.choice(["", "", "俺们那", "我们小区的", "那个", "这边的", "有个"])
        return f"{prefix}{who}{r.choice(DEEDS[who])}{r.choice(VICTIM_TAILS)}"

    many("file_complaint", 160, deed)
    many(
        "file_complaint",
        60,
        lambda: (
            f"{r.choice(['我住', '俺家在', '我是'])}{gen.place()}{r.choice(['的', '', '那边'])}"
            f"{r.choice(['，', ' '])}{deed()}"
        ),
        annotated=True,
    )
    # a story and what the citizen wants, said in one breath: still a complaint
    many(
        "file_complaint",
        60,
        lambda: (
            r.choice(
                [
                    f"{r.choice(PROBLEMS)}{r.choice(['，', ' ', ''])}"
                    f"{r.choice(['让他们整改', '要求修好', '要个说法', '叫他们来看看'])}",
                    f"{r.choice(COMPLAINED_ABOUT)}{r.choice(MISDEEDS)}{r.choice(['，', ' ', ''])}"
                    f"{r.choice(['要求赔偿', '想让他们退钱', '要个说法', '让他们道歉'])}",
                ]
            )
            + r.choice(["没人理", "也没人管", "找谁都推", "一直没结果", "人家不搭理"])
        ),
    )
    many(
        "query_case",
        140,
        lambda: r.choice(
            [
                f"{r.choice(['', '俺', '我', gen.time()])}{r.choice(['报的', '反映的', '投诉的', '说的', '登记的'])}"
                f"那个{r.choice(MATTERS)}的事{r.choice(['咋样了', '有信儿没', '有回音没', '处理得咋样了', '有人管没', '办完了没', '有下文没', '有结果了吗'])}",
                f"{r.choice(['想了解一下', '想问问', '我想知道', '麻烦问下'])}{r.choice(['我', '俺'])}"
                f"{r.choice(['投诉的', '反映的', '举报的'])}那个{r.choice(MATTERS)}{r.choice(['的处理情况', '的进展', '办得咋样了', '现在啥情况'])}",
                f"{r.choice(['前两周', '上回', '前一阵', gen.time()])}{r.choice(['在小程序上', '在网上', '打电话', '在公众号上', '去信访局'])}"
                f"{r.choice(['反映的', '提交的', '说的'])}{r.choice(MATTERS)}{r.choice(['问题', '的事'])}"
                f"{r.choice(['有没有人接手', '有人管了没', '到哪一步了', '有答复没'])}",
                f"{r.choice(['俺那个', '我那个', '我的'])}{r.choice(['投诉', '件', '诉求', '事'])}"
                f"{r.choice(['有信儿没', '有回音没', '有着落没', '有人接没', '咋样了'])}",
            ]
        ),
        annotated=True,
    )
    many(
        "urge_case",
        70,
        lambda: r.choice(
            [
                f"说好{r.choice(['十五个工作日', '一个礼拜', '月底前', '十天', '七个工作日'])}"
                f"{r.choice(['答复', '给结果', '来处理', '联系我'])}的"
                f"{r.choice(['现在都一个月了', '到现在也没信儿', '早就过了', '这都两个月了'])}"
                f"{r.choice(['', '，催一下', '，咋回事', '，还办不办'])}",
                f"{r.choice(['这都', '已经', '都'])}{r.choice(['第三回', '第四次', '好几回'])}打电话了"
                f"{r.choice(['还没人管', '还没动静', '还是没结果'])}{r.choice(['，快点吧', '，给催催', ''])}",
                f"{r.choice(['跟', '给', '让'])}{r.choice(['街道', '社区', '区里', '承办单位', '那边'])}"
                f"{r.choice(['说一声', '打个招呼', '催一下'])}{r.choice(['让他们抓紧', '早点给答复', '快点办'])}",
            ]
        ),
    )
    many(
        "evaluate_case",
        40,
        lambda: (
            f"{r.choice(['我要评价一下', '评价一下', '我想评一下', '给个评价'])}"
            f"{r.choice(['上次的处理', '这次的办理', '你们的处理结果', '上回那个件', ''])}"
            f"{r.choice(['', '，很满意', '，不满意', '，还行'])}"
        ),
    )
    many(
        "ask_policy",
        150,
        lambda: (
            f"{r.choice(['', '', '请问', '问一下', '俺想问问', '咨询下'])}"
            f"{r.choice(['', '郑州', '现在', '咱这'])}{r.choice(POLICY_SUBJECTS)}{r.choice(POLICY_QUESTIONS)}"
        ),
    )

    def oos() -> str:
        lead, middles, ends = r.choice(OOS_FRAMES)
        return f"{lead}{r.choice(middles)}{r.choice(ends)}"

    many("out_of_scope", 110, oos)
    many(
        "emergency",
        130,
        lambda: r.choice(
            [
                f"{r.choice(['', '快来人', '救命', '快'])}{r.choice(['，', ' ', ''])}"
                f"{r.choice(EMERGENCY_PEOPLE)}{r.choice(EMERGENCY_EVENTS)}",
                f"{r.choice(['', '快', '喂'])}{r.choice(FIRE_PLACES)}{r.choice(FIRE_EVENTS)}",
            ]
        ),
    )
    many(
        "litigation_matter",
        70,
        lambda: (
            f"{r.choice(['', '俺', '我这'])}{r.choice(COURT_THINGS)}{r.choice(['，', ' ', ''])}"
            f"{r.choice(COURT_PROBLEMS)}{r.choice(['', '，咋办', '，能管不'])}"
        ),
    )
    many(
        "bot_challenge",
        35,
        lambda: (
            f"{r.choice(['你是', '恁是', '对面是', '跟我说话的是'])}"
            f"{r.choice(['个程序', '机器人', '电脑', '自动回复', '录音', '人工智能', 'AI'])}"
            f"{r.choice(['吧', '吗', '不是', '还是真人'])}"
        ),
    )
    many(
        "request_human",
        35,
        lambda: r.choice(
            [
                f"有没有{r.choice(['活人', '真人', '人工', '工作人员', '接线员'])}{r.choice(['啊', '吗', '在'])}",
                f"{r.choice(['给我', '帮我', '麻烦'])}{r.choice(['接通', '转接', '转到'])}"
                f"{r.choice(['话务员', '人工', '值班员', '工作人员'])}",
            ]
        ),
    )


def _plain(example: str) -> str:
    """The text of an annotated example, without punctuation or spaces."""
    text = re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", example)
    return re.sub(r"\W", "", text)


def heldout_texts() -> set:
    """Every message of every held-out file (tests/nlu_heldout/*.yml)."""
    texts = set()
    for path in sorted(HELDOUT_DIR.glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("- ") and not line.startswith("- intent"):
                texts.add(_plain(line[2:]))
    return texts


def write(examples: dict[str, list[str]], out: Path) -> int:
    banned = heldout_texts()
    lines = [
        'version: "3.1"',
        "# Generated by nlu_data/generate/generate.py — do not edit.",
        "nlu:",
    ]
    total = 0
    for intent, items in examples.items():
        seen = set()
        kept = []
        for item in items:
            plain = _plain(item)
            if not item.strip() or item in seen or plain in banned:
                continue
            seen.add(item)
            kept.append(item)
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {item}" for item in kept)
        total += len(kept)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", default="var/gazetteer/zhengzhou.json")
    parser.add_argument("--out", default="var/nlu_generated/generated_nlu.yml")
    parser.add_argument("--scale", type=float, default=0.6, help="multiplies every count")
    args = parser.parse_args()
    gen = Gen(json.loads(Path(args.gazetteer).read_text(encoding="utf-8")))
    total = write(build(gen, args.scale), Path(args.out))
    print(f"wrote {total} examples to {args.out}")


if __name__ == "__main__":
    main()
