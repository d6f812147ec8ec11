"""Hot-issue mining (热点问题) and early warnings (预警).

Unit tests on synthetic complaints written for these tests; API tests on both
backends; one check on the real shared messages (skipped without ../shared/data).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casestore.analytics import hot_issues
from casestore.analytics.mining.clustering import cluster
from casestore.analytics.mining.heat import IssueCounts, heat
from casestore.analytics.mining.models import HotIssueMember
from casestore.analytics.mining.naming import name_issue
from casestore.analytics.mining.places import find_places, keys_agree
from casestore.analytics.mining.text import case_text, words
from casestore.analytics.mining.vectors import IdfModel, MiningText, raw_matrix, weigh
from casestore.analytics.warnings import headcount
from casestore.cases.models import Case
from casestore.core.settings import Settings
from tests.casestore.casestore_support import (
    AUTH,
    CITY,
    GUANCHENG,
    FixedClock,
    case_body,
    services_of,
    staff_headers,
)

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)

# Synthetic complaints: one matter per list, worded differently by different people.
FUMES_XINGFU = [
    (
        "幸福花园小区底商饭店油烟扰民",
        "我住在幸福花园小区3号楼，楼下临街的几家饭店没有安装油烟净化设备，炒菜的油烟直接往上排，"
        "家里窗户常年不敢开，晾的衣服全是油烟味，老人有哮喘，请环保部门检测处理。",
    ),
    (
        "投诉幸福花园小区烧烤店油烟",
        "幸福花园小区一楼新开的烧烤店每天从傍晚烤到凌晨，炭火烟雾和油烟顺着外墙往上飘，"
        "整栋楼都是烟味，孩子晚上咳嗽睡不着，打过几次电话没人管。",
    ),
    (
        "幸福花园楼下餐馆没有油烟管道",
        "业主反映：幸福花园底层商铺改成了餐馆，开发商当初没有预留专用烟道，餐馆的排烟口正对着住户窗户，"
        "油烟熏黑了外墙，请市场监管和城管部门督促安装油烟管道。",
    ),
    (
        "幸福花园小区油烟污染严重",
        "幸福花园小区临街门面开了好几家饭馆和夜宵摊，油烟浓重，厨房排风机噪音也很大，"
        "居民已经联名反映过两次，问题一直没有解决，希望彻底整治餐饮油烟。",
    ),
    (
        "幸福花园小区饭店油烟熏人",
        "幸福花园小区底层饭店的油烟机对着小区内院排放，中午和傍晚油烟特别大，"
        "住在二三楼的住户根本没法开窗通风，请相关部门责令饭店整改油烟排放。",
    ),
]
LAMPS_HEXIE = [
    (
        "和谐家园小区路灯坏了",
        "和谐家园小区里面的路灯坏了两个多月，从东门到8号楼一段完全没有照明，"
        "天黑以后出门只能打手电，物业说没有维修经费，一直拖着不修。",
    ),
    (
        "和谐家园小区晚上没有照明",
        "和谐家园小区内的路灯全部不亮，地下车库出口也是黑的，前几天有老人在台阶处摔倒骨折，"
        "请督促物业尽快维修路灯，保障居民出行安全。",
    ),
    (
        "反映和谐家园小区路灯不亮",
        "和谐家园小区路灯长期不亮，灯杆被车撞歪后一直没有更换，线路裸露在外面，"
        "下雨天很危险，希望尽快修复照明设施并排查电线隐患。",
    ),
    (
        "和谐家园小区路灯长期损坏",
        "和谐家园小区的路灯损坏很久了，业主多次到物业服务中心报修，登记了也没人来，"
        "小区里黑灯瞎火，治安也让人担心，请有关部门协调维修路灯。",
    ),
]
FUMES_YANGGUANG = [
    (
        "阳光新城小区饭店油烟扰民",
        "管城区阳光新城小区楼下饭店的油烟直排，没有净化设备，家里厨房和卧室全是油烟味，"
        "夏天也不敢开窗，请环保部门上门检测处理。",
    ),
    (
        "投诉阳光新城烧烤店油烟",
        "阳光新城小区门口的烧烤店每晚营业到深夜，烧烤油烟和烟雾飘进住户家里，"
        "业主无法开窗休息，请环保和城管部门查处油烟污染。",
    ),
    (
        "阳光新城小区餐馆油烟管道问题",
        "阳光新城小区底商餐馆没有专用油烟管道，油烟顺着楼体往上飘，外墙和窗户都被熏黑，"
        "严重影响居民生活，请督促餐馆安装油烟净化和排烟管道。",
    ),
    (
        "阳光新城油烟污染",
        "阳光新城小区临街几家饭店油烟污染严重，中午傍晚最明显，多次向街道反映没有效果，"
        "希望相关部门彻底整治餐饮油烟。",
    ),
]
OTHERS = [
    ("公积金提取咨询", "请问离职后住房公积金怎么提取，需要哪些材料？"),
    ("公交线路调整建议", "建议增加到高铁东站的公交线路，早高峰太挤了。"),
    ("学校周边交通拥堵", "文化路小学放学时门口车辆乱停，交通拥堵，希望交警疏导。"),
]


def _docs(items: list[tuple[str, str]]) -> list[MiningText]:
    docs = []
    for title, body in items:
        t, b = case_text(title, body)
        docs.append(MiningText(t, b, find_places(f"{t}。{b}")))
    return docs


# ---- pure functions ---------------------------------------------------------------------


def test_places_are_read_from_free_text_and_variants_agree() -> None:
    places = find_places("A5区劳动东路魅力之城小区一楼的夜宵摊油烟扰民")
    assert places.districts == ["A5区"]
    assert "魅力之城" in places.keys
    assert "劳动东路" in places.road_keys
    other = find_places("A市万科魅力之城商铺无排烟管道")
    assert keys_agree(places.keys, other.keys)  # "万科魅力之城" ⊃ "魅力之城"
    assert not keys_agree(places.keys, find_places("阳光新城小区饭店油烟").keys)
    assert find_places("我们小区的路灯坏了").keys == set()  # no name, no place


def test_clustering_groups_one_matter_across_wordings_and_keeps_places_apart() -> None:
    groups = [FUMES_XINGFU, LAMPS_HEXIE, FUMES_YANGGUANG]
    items = [item for group in groups for item in group] + OTHERS
    docs = _docs(items)
    raw = raw_matrix(docs)
    matrix = weigh(raw, IdfModel.fit(raw).idf)
    labels = cluster(matrix, [d.places for d in docs]).tolist()
    start = 0
    seen = set()
    for group in groups:
        group_labels = set(labels[start : start + len(group)])
        assert len(group_labels) == 1, (group[0][0], labels)
        seen |= group_labels
        start += len(group)
    assert len(seen) == 3  # the same problem at another place is another issue
    assert not set(labels[start:]) & seen


def test_a_group_is_named_by_place_and_problem() -> None:
    docs = _docs(FUMES_XINGFU + LAMPS_HEXIE + FUMES_YANGGUANG + OTHERS)
    df: dict[str, int] = {}
    for doc in docs:
        for word in set(words(doc.title)):
            df[word] = df.get(word, 0) + 1
    fumes = docs[: len(FUMES_XINGFU)]
    named = name_issue(fumes, [words(d.title) for d in fumes], df, len(docs), [None] * len(fumes))
    assert named.place is not None and "幸福花园" in named.place
    assert "油烟" in named.problem
    assert named.name.startswith(named.place)


def test_heat_grows_with_people_recency_growth_and_likes() -> None:
    base = IssueCounts(total=6, people=6, last30=2, last90=4, last180=6, before30=2, likes=0)
    one_person = IssueCounts(total=6, people=1, last30=2, last90=4, last180=6, before30=2, likes=0)
    older = IssueCounts(total=6, people=6, last30=0, last90=0, last180=2, before30=0, likes=0)
    growing = IssueCounts(total=6, people=6, last30=5, last90=6, last180=6, before30=1, likes=0)
    liked = IssueCounts(total=6, people=6, last30=2, last90=4, last180=6, before30=2, likes=500)
    assert heat(one_person) < heat(base)
    assert heat(older) < heat(base)
    assert heat(growing) > heat(base)
    assert heat(liked) > heat(base)


def test_headcount_of_a_group_petition() -> None:
    assert headcount("我们小区300多户业主联名反映") == 300
    assert headcount("几十名村民多次反映") == 20
    assert headcount("我家门口的路灯坏了") == 0


# ---- API -----------------------------------------------------------------------------------


def _register(client: TestClient, items: list[tuple[str, str]], **overrides: Any) -> list[str]:
    numbers = []
    for index, (title, body) in enumerate(items):
        values = {
            "summary": title,
            "description": body,
            "complainant": {"anonymous": False, "phone": f"1390000{index:04d}"},
            "category": {"name": "生态环境", "confidence": 0.9},
        }
        values.update(overrides)
        response = client.post("/api/v1/cases", json=case_body(**values), headers=AUTH)
        assert response.status_code == 201, response.text
        numbers.append(response.json()["number"])
    hot_issues.wait_for_updates()  # the registration hook runs in the background
    return numbers


def _cluster_of(client: TestClient, number: str) -> int | None:
    with services_of(client).sessions() as session:
        return session.scalar(
            select(HotIssueMember.cluster_id)
            .join(Case, Case.id == HotIssueMember.case_id)
            .where(Case.number == number)
        )


def test_hot_issues_endpoint_ranks_named_issues_in_scope(
    make_client: Callable[..., TestClient],
) -> None:
    clock = FixedClock(NOW)
    client = make_client(clock=clock)
    fumes = _register(client, FUMES_XINGFU, location={"district": "金水区"})
    clock.moment = NOW + timedelta(hours=1)
    _register(client, LAMPS_HEXIE[:2], location={"district": "金水区"})
    _register(client, OTHERS)

    admin = staff_headers(client, "hot.admin", "admin", CITY)
    response = client.get("/api/v1/staff/hot-issues?limit=5", headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"generated_at", "items"}
    top = body["items"][0]
    assert set(top) == {
        "id",
        "name",
        "place",
        "problem",
        "heat",
        "case_count",
        "recent_count",
        "growth",
        "likes",
        "category",
        "first_seen",
        "last_seen",
        "example_case_numbers",
    }
    assert "幸福花园" in top["name"] and "油烟" in top["name"]
    assert top["case_count"] == len(FUMES_XINGFU)
    assert top["category"] == "生态环境"
    assert set(top["example_case_numbers"]) <= set(fumes)
    assert len(top["example_case_numbers"]) == 3
    assert all(item["case_count"] >= 2 for item in body["items"])

    # Another district's staff sees none of 金水区's issues; no token, no list.
    other = staff_headers(client, "hot.guancheng", "supervisor", GUANCHENG)
    assert client.get("/api/v1/staff/hot-issues", headers=other).json()["items"] == []
    assert client.get("/api/v1/staff/hot-issues").status_code == 401
    assert client.get("/api/v1/staff/hot-issues?limit=0", headers=admin).status_code == 422


def test_new_cases_join_their_issue_incrementally(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock=FixedClock(NOW))
    first = _register(client, FUMES_XINGFU[:4] + LAMPS_HEXIE[:3] + OTHERS)
    hot_issues.mine(services_of(client))
    fumes_cluster = _cluster_of(client, first[0])
    lamps_cluster = _cluster_of(client, first[4])
    assert fumes_cluster is not None and fumes_cluster != lamps_cluster

    # Registration updates the clusters (the hook), without a new mining run.
    [again] = _register(client, FUMES_XINGFU[4:])
    [lamp] = _register(client, LAMPS_HEXIE[3:])
    [elsewhere] = _register(client, FUMES_YANGGUANG[:1])
    assert _cluster_of(client, again) == fumes_cluster
    assert _cluster_of(client, lamp) == lamps_cluster
    assert _cluster_of(client, elsewhere) not in (None, fumes_cluster, lamps_cluster)

    actor = hot_issues.Actor("staff", "t", "admin", CITY)
    items = hot_issues.top_hot_issues(services_of(client), actor, 10, refresh=False).items
    fumes_item = next(i for i in items if i.id == fumes_cluster)
    assert fumes_item.case_count == len(FUMES_XINGFU)


def test_a_mining_error_never_fails_a_registration(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any) -> None:
        raise RuntimeError("mining broke")

    monkeypatch.setattr(hot_issues, "assign_case", broken)
    response = client.post("/api/v1/cases", json=case_body(), headers=AUTH)
    assert response.status_code == 201
    hot_issues.wait_for_updates()  # the failure is logged in the background, not raised


def test_warnings_endpoint(make_client: Callable[..., TestClient]) -> None:
    clock = FixedClock(NOW - timedelta(days=20))
    client = make_client(clock=clock)
    # One person, three times (重复信访人).
    for title, body in LAMPS_HEXIE[:3]:
        _register(client, [(title, body)], complainant={"anonymous": False, "phone": "13712345678"})
    # Three people naming one property company (集中反映同一单位).
    clock.moment = NOW - timedelta(days=2)
    _register(
        client,
        [
            ("金诚物业乱收停车费", "金诚物业公司今年起乱收停车费，每月多收两百元。"),
            ("投诉金诚物业不作为", "小区电梯坏了一周，金诚物业一直不修。"),
            ("金诚物业违规涨价", "金诚物业擅自上调物业费，没有公示。"),
        ],
    )
    # A group petition in its own words (集体访), and a category spike this week.
    _register(client, [("三百户业主联名反映", "我们小区300多户业主联名反映开发商延期交房。")])
    _register(client, FUMES_XINGFU, category={"name": "城乡建设", "confidence": 0.9})

    admin = staff_headers(client, "warn.admin", "admin", CITY)
    response = client.get("/api/v1/staff/warnings", headers=admin)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    kinds = {item["kind"] for item in items}
    assert {"spike", "organisation", "group_petition", "repeat_petitioner"} <= kinds
    for item in items:
        assert set(item) == {"kind", "title", "explanation", "numbers", "case_numbers"}
        assert item["case_numbers"] and item["explanation"]
    repeat = next(i for i in items if i["kind"] == "repeat_petitioner")
    assert repeat["numbers"]["cases_90d"] == 3
    org = next(i for i in items if i["kind"] == "organisation")
    assert "金诚物业" in org["title"] and org["numbers"]["people"] == 3
    spikes = [i for i in items if i["kind"] == "spike"]
    assert any("城乡建设" in i["title"] and i["numbers"]["recent_7d"] == 5 for i in spikes)
    group = [i for i in items if i["kind"] == "group_petition"]
    assert any(i["numbers"]["headcount"] == 300 for i in group)

    other = staff_headers(client, "warn.guancheng", "supervisor", GUANCHENG)
    assert client.get("/api/v1/staff/warnings", headers=other).json()["items"] == []


def test_cli_prints_json_lines(
    client: TestClient,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from casestore import cli

    _register(client, FUMES_XINGFU)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GAZETTEER_FILE", str(settings.gazetteer_file))
    monkeypatch.setenv("XF_ENV", "development")
    capsys.readouterr()
    cli.main(["hot-issues", "--limit", "3"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 1 <= len(lines) <= 3
    assert {"name", "heat", "case_count", "example_case_numbers"} <= set(lines[0])
    assert lines[0]["case_count"] == len(FUMES_XINGFU)


# ---- real data -----------------------------------------------------------------------------


def test_real_messages_name_the_organisers_hot_issues_in_the_top_5(tmp_path: Path) -> None:
    source = SHARED_DATA / "messages_hot_issues.jsonl"
    if not source.is_file():
        pytest.skip(f"real messages not found at {source} (../shared/data absent)")
    from casestore.cases.importer import import_records, read_records
    from casestore.core.db import make_engine
    from casestore.main import build_services, prepare_database
    from tests.casestore.casestore_support import SAMPLE_GAZETTEER

    url = f"sqlite:///{tmp_path / 'real.db'}"
    settings = Settings(_env_file=None, database_url=url, gazetteer_file=SAMPLE_GAZETTEER)  # type: ignore[call-arg]
    engine = make_engine(url)
    try:
        services = build_services(settings, engine, prepare_database(settings, engine))
        report = import_records(services, read_records(source), source.name)
        assert report.created == 4305
        with services.sessions() as session:
            likes = session.scalar(select(Case.public_support).order_by(Case.public_support.desc()))
            assert likes and likes > 1000  # likes became public support
        actor = hot_issues.Actor("staff", "t", "admin", services.tree.root_code)
        top = hot_issues.top_hot_issues(services, actor, 5).items
    finally:
        engine.dispose()
    names = [item.name for item in top]
    assert any("魅力之城" in n and any(w in n for w in ("油烟", "噪音", "扰民")) for n in names), (
        names
    )
    assert any("经济学院" in n and any(w in n for w in ("实习", "学生", "工厂")) for n in names), (
        names
    )
