"""The project's own training data for the category classifier.

Reads `data/seed.yml` (issue phrases and whole messages written for this
project) and `data/taxonomy.csv` (the category tree; its level-2/3 names are
extra signal) and expands the phrases into complaint-shaped messages with
templates: short titles, formal letters, colloquial and dialect-flavoured
stories, several issues of one category in one message.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_FILE = DATA_DIR / "seed.yml"
TAXONOMY_FILE = DATA_DIR / "taxonomy.csv"

PLACES = [
    "金水区",
    "二七区",
    "中原区",
    "管城区",
    "惠济区",
    "上街区",
    "郑东新区",
    "高新区",
    "经开区",
    "航空港区",
    "中牟县",
    "巩义市",
    "荥阳市",
    "新密市",
    "新郑市",
    "登封市",
    "花园路街道",
    "建设路街道",
    "龙湖镇",
    "我们小区",
    "我们村",
    "俺村",
    "我们单位",
    "我们镇",
    "我们县",
    "市里",
    "这边",
    "城东",
    "南三环附近",
    "火车站附近",
    "某某小区",
    "某镇某村",
    "",
    "",
    "",
]
OPENERS = [
    "",
    "",
    "",
    "您好，",
    "领导您好，",
    "尊敬的领导：",
    "我想反映个事，",
    "反映一下，",
    "俺想问问，",
    "说个事儿，",
    "请有关部门关注一下，",
    "你好我要反映问题",
    "关于",
    "请问",
]
FRAMES = [
    "{topic}",
    "{topic}的问题",
    "关于{place}{topic}的问题",
    "{place}{topic}问题严重",
    "{place}{topic}，希望相关部门尽快处理",
    "{opener}{place}{topic}，{topic2}，反映多次一直没人管",
    "{opener}我是{place}的居民，{topic}，{topic2}，请领导给予解决",
    "{opener}{place}存在{topic}的情况，已经持续很长时间了，群众意见很大，希望有关部门调查处理",
    "{opener}{topic}咋就没人管呢，{topic2}也是，恁说这中不中",
    "{opener}俺家在{place}，{topic}，找了好几回都没用",
    "{opener}{place}{topic}和{topic2}的问题，{topic3}，望尽快答复",
    "{opener}请问{topic}这个事归哪个部门管，{place}{topic2}",
    "{opener}{place}{topic}{topic2}还有{topic3}问题太多了",
    "{topic}问题{place}{topic2}",
    "建议解决{place}{topic}问题",
    "{opener}强烈要求解决{topic}，{place}的老百姓盼了好多年了",
]


def load_seed() -> Dict[str, Dict[str, List[str]]]:
    data = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    return data["categories"]


def taxonomy_terms(path: Path = TAXONOMY_FILE) -> Dict[str, List[str]]:
    """Level-2/3 names per level-1 category (without the uninformative 其他)."""
    terms: Dict[str, List[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names = terms.setdefault(row["level1"], [])
            for name in (row["level2"], row["level3"]):
                if name and name != "其他" and name not in names:
                    names.append(name)
    return terms


def categories(path: Path = TAXONOMY_FILE) -> List[str]:
    """The level-1 categories, in the taxonomy's order."""
    return list(taxonomy_terms(path))


def _pick(rng: random.Random, topics: List[str], tax: List[str], pool: List[str]) -> str:
    """Mostly the project's own topic phrases, sometimes a taxonomy name."""
    return rng.choice(topics if rng.random() < 0.75 or not tax else pool)


def build(per_category: int = 260, seed: int = 7) -> Tuple[List[str], List[str]]:
    """Texts and labels of the seed training set."""
    rng = random.Random(seed)
    seed_data = load_seed()
    extra = taxonomy_terms()
    texts: List[str] = []
    labels: List[str] = []
    for category in categories():
        spec = seed_data.get(category, {})
        topics = list(spec.get("topics", []))
        tax = extra.get(category, [])
        pool = topics + tax
        for example in spec.get("examples", []):
            texts.append(example)
            labels.append(category)
        for term in tax:
            texts.append(term)
            labels.append(category)
        for _ in range(per_category):
            frame = rng.choice(FRAMES)
            text = frame.format(
                topic=_pick(rng, topics, tax, pool),
                topic2=_pick(rng, topics, tax, pool),
                topic3=_pick(rng, topics, tax, pool),
                place=rng.choice(PLACES),
                opener=rng.choice(OPENERS),
            )
            texts.append(text)
            labels.append(category)
    return texts, labels
