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
                    "最近一个星期",
                    "每天晚上十点以后",
                    "天天早上六点",
                    "从上个月开始",
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
                    "好几个月了",
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
            f"{r.choice(['', '好的', '中', '行', '那'])}{r.choice(['再见', '拜拜', '就这样吧', '先这样', '没别的事了', '挂了啊', '再会', '回见', '下回聊', '回头见', '先挂了'])}"
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
