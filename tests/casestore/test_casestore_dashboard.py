"""Dashboard figures (统计分析) and the public transparency figures (信息公开).

One small history, built through the real API with a settable clock:
A (花园路, 城乡建设) accepted on day 2, replied on day 10, rated 满意;
C (东大街, 城乡建设) accepted on day 20 (late), replied on day 81 (late), 不满意;
B (花园路, 环境保护) never decided (overdue); D (花园路) a repeat of A, refused on day 1.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casestore.analytics.dashboard import bucket_starts, choose_interval, roll_up_unit
from tests.casestore.casestore_support import (
    AUTH,
    CITY,
    DONGDAJIE,
    GUANCHENG,
    HUAYUANLU,
    JINSHUI,
    FixedClock,
    MakeClient,
    create_case,
    load_case,
    services_of,
    staff_headers,
)

T0 = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)  # 10:00 in Zhengzhou, 1 Oct
TODAY = T0 + timedelta(days=90)
PERIOD = {"since": "2026-10-01", "until": "2026-12-30"}
STATS = "/api/v1/staff/stats"


def _act(
    client: TestClient, headers: dict[str, str], number: str, action: str, **body: Any
) -> None:
    version = load_case(client, number).version
    response = client.post(
        f"/api/v1/staff/cases/{number}/{action}", json={"version": version, **body}, headers=headers
    )
    assert response.status_code == 200, response.text


def _location(district: str, street: str) -> dict[str, str | None]:
    return {"district": district, "street": street, "community": None, "address": None}


def _person(phone: str) -> dict[str, Any]:
    return {"anonymous": False, "name": "王五", "phone": phone, "id_number": None}


@pytest.fixture
def history(make_client: MakeClient) -> tuple[TestClient, FixedClock, dict[str, str]]:
    clock = FixedClock(T0)
    client = make_client(clock=clock)
    op = staff_headers(client, "op", "operator", CITY)
    a = create_case(client, complainant=_person("13900000001"))
    b = create_case(
        client,
        description="河边的化工厂晚上偷偷排放废水，气味刺鼻，鱼都死了。",
        summary="化工厂夜间排污",
        category={"name": "环境保护", "confidence": 0.9},
        complainant=_person("13900000002"),
    )
    c = create_case(
        client,
        description="东大街的下水道堵了半个月，污水漫到路上，没人来疏通。",
        summary="下水道堵塞",
        location=_location("管城回族区", "东大街街道"),
        complainant=_person("13900000003"),
    )
    d = create_case(client, complainant=_person("13900000001"))
    assert d["repeat_of"] == a["number"] and not b["repeat_of"] and not c["repeat_of"]
    numbers = {"A": a["number"], "B": b["number"], "C": c["number"], "D": d["number"]}

    def at(days: int) -> None:
        clock.moment = T0 + timedelta(days=days)

    at(1)
    _act(client, op, numbers["D"], "reject", reason="与在办信访件属同一事项")
    at(2)
    _act(client, op, numbers["A"], "accept")
    _act(client, op, numbers["A"], "assign", unit_code=HUAYUANLU)
    _act(client, staff_headers(client, "h1", "handler", HUAYUANLU), numbers["A"], "sign")
    at(10)
    _act(
        client,
        staff_headers(client, "h1", "handler", HUAYUANLU),
        numbers["A"],
        "reply",
        note="已修复",
    )
    evaluate = {"number": numbers["A"], "query_code": a["query_code"], "rating": "satisfied"}
    assert client.post("/api/v1/cases/evaluate", json=evaluate).status_code == 200
    at(20)  # accept_by was day 15: late
    _act(client, op, numbers["C"], "accept")
    _act(client, op, numbers["C"], "assign", unit_code=DONGDAJIE)
    _act(client, staff_headers(client, "h2", "handler", DONGDAJIE), numbers["C"], "sign")
    at(81)  # handle_by was day 80: late
    _act(
        client,
        staff_headers(client, "h2", "handler", DONGDAJIE),
        numbers["C"],
        "reply",
        note="已疏通",
    )
    evaluate = {
        "number": numbers["C"],
        "query_code": c["query_code"],
        "rating": "unsatisfied",
        "reason": "太慢了",
    }
    assert client.post("/api/v1/cases/evaluate", json=evaluate).status_code == 200
    clock.moment = TODAY
    return client, clock, numbers


def test_city_summary_counts_every_figure(
    history: tuple[TestClient, FixedClock, dict[str, str]],
) -> None:
    client, _, _ = history
    city = staff_headers(client, "city.sup", "supervisor", CITY)
    body = client.get(f"{STATS}/summary", params={**PERIOD, "by": "unit"}, headers=city).json()
    totals = body["totals"]
    assert body["scope"]["code"] == CITY
    assert (totals["total"], totals["repeats"], totals["repeat_rate"]) == (4, 1, 0.25)
    # decided: A on time, D on time, C late; B still undecided past accept_by
    assert (totals["accept_due"], totals["accept_on_time"], totals["accept_rate"]) == (4, 2, 0.5)
    assert (totals["reply_due"], totals["reply_on_time"], totals["reply_rate"]) == (2, 1, 0.5)
    assert (totals["rated"], totals["satisfied"], totals["unsatisfied"]) == (2, 1, 1)
    assert totals["satisfaction_rate"] == 0.5
    assert totals["overdue_open"] == 1  # B
    rows = {row["key"]: row for row in body["rows"]}
    assert set(rows) == {JINSHUI, GUANCHENG}  # rolled up to the units below the city
    assert rows[JINSHUI]["total"] == 3 and rows[JINSHUI]["label"] == "金水区人民政府"
    assert rows[GUANCHENG]["reply_rate"] == 0.0 and rows[GUANCHENG]["accept_rate"] == 0.0


def test_overview_has_every_breakdown_in_one_answer(
    history: tuple[TestClient, FixedClock, dict[str, str]],
) -> None:
    client, _, _ = history
    city = staff_headers(client, "city.sup", "supervisor", CITY)
    overview = client.get(f"{STATS}/overview", params=PERIOD, headers=city).json()
    summary = client.get(f"{STATS}/summary", params={**PERIOD, "by": "unit"}, headers=city).json()
    assert overview["totals"] == summary["totals"]
    assert overview["by_unit"] == summary["rows"]
    assert [(r["label"], r["total"]) for r in overview["by_category"]] == [
        ("城乡建设", 3),
        ("环境保护", 1),
    ]
    assert [(r["label"], r["total"]) for r in overview["by_district"]] == [
        ("金水区", 3),
        ("管城回族区", 1),
    ]
    assert sum(r["reply_due"] for r in overview["by_district"]) == overview["totals"]["reply_due"]


def test_breakdowns_by_category_and_district(
    history: tuple[TestClient, FixedClock, dict[str, str]],
) -> None:
    client, _, _ = history
    city = staff_headers(client, "city.sup", "supervisor", CITY)
    by_category = client.get(
        f"{STATS}/summary", params={**PERIOD, "by": "category"}, headers=city
    ).json()
    assert [(r["label"], r["total"]) for r in by_category["rows"]] == [
        ("城乡建设", 3),
        ("环境保护", 1),
    ]
    by_district = client.get(
        f"{STATS}/summary",
        params={**PERIOD, "by": "district", "category": "城乡建设"},
        headers=city,
    ).json()
    assert [(r["label"], r["total"]) for r in by_district["rows"]] == [
        ("金水区", 2),
        ("管城回族区", 1),
    ]
    assert by_district["totals"]["total"] == 3


def test_district_staff_see_their_district_only(
    history: tuple[TestClient, FixedClock, dict[str, str]],
) -> None:
    client, _, _ = history
    district = staff_headers(client, "d.sup", "supervisor", JINSHUI)
    body = client.get(f"{STATS}/summary", params={**PERIOD, "by": "unit"}, headers=district).json()
    assert body["totals"]["total"] == 3 and body["scope"]["code"] == JINSHUI
    rows = {row["key"]: row["total"] for row in body["rows"]}
    assert rows.pop(HUAYUANLU) == 2  # A and D
    assert list(rows.values()) == [1] and next(iter(rows)).startswith(f"{JINSHUI}/")  # B: a bureau
    outside = client.get(f"{STATS}/summary", params={**PERIOD, "unit": GUANCHENG}, headers=district)
    assert outside.status_code == 403 and "下级单位" in outside.json()["detail"]
    narrowed = client.get(
        f"{STATS}/summary", params={**PERIOD, "unit": HUAYUANLU}, headers=district
    ).json()
    assert narrowed["totals"]["total"] == 2
    trend = client.get(f"{STATS}/trends", params=PERIOD, headers=district).json()
    assert sum(trend["totals"]) == 3


def test_trends_by_day_and_category(history: tuple[TestClient, FixedClock, dict[str, str]]) -> None:
    client, _, _ = history
    city = staff_headers(client, "city.sup", "supervisor", CITY)
    params = {"since": "2026-09-29", "until": "2026-10-05", "by": "category", "interval": "auto"}
    body = client.get(f"{STATS}/trends", params=params, headers=city).json()
    assert body["interval"] == "day" and len(body["buckets"]) == 7
    assert body["buckets"][2] == "2026-10-01" and body["totals"][2] == 4
    assert body["repeats"][2] == 1 and sum(body["totals"]) == 4
    assert [(s["label"], s["counts"][2]) for s in body["series"]] == [
        ("城乡建设", 3),
        ("环境保护", 1),
    ]
    weekly = client.get(f"{STATS}/trends", params=PERIOD, headers=city).json()
    assert weekly["interval"] == "week" and weekly["buckets"][0] == "2026-09-28"  # a Monday
    assert weekly["totals"][0] == 4
    monthly = client.get(
        f"{STATS}/trends",
        params={**PERIOD, "interval": "month", "top": 1, "by": "category"},
        headers=city,
    ).json()
    assert monthly["buckets"] == ["2026-10-01", "2026-11-01", "2026-12-01"]
    assert [s["label"] for s in monthly["series"]] == ["城乡建设", "其他"]


def test_bad_filters_get_clear_answers(
    history: tuple[TestClient, FixedClock, dict[str, str]],
) -> None:
    client, _, _ = history
    city = staff_headers(client, "city.sup", "supervisor", CITY)
    backwards = client.get(
        f"{STATS}/summary", params={"since": "2026-12-01", "until": "2026-11-01"}, headers=city
    )
    assert backwards.status_code == 422 and "统计区间" in backwards.json()["detail"]
    unknown = client.get(f"{STATS}/summary", params={"unit": "999999"}, headers=city)
    assert unknown.status_code == 422 and "找不到" in unknown.json()["detail"]
    too_many = client.get(
        f"{STATS}/trends",
        params={"since": "2024-01-01", "until": "2026-01-01", "interval": "day"},
        headers=city,
    )
    assert too_many.status_code == 422 and "按周或按月" in too_many.json()["detail"]
    assert client.get(f"{STATS}/summary", params={"by": "phone"}, headers=city).status_code == 422
    assert client.get(f"{STATS}/summary").status_code == 401
    assert (
        client.get(f"{STATS}/export.csv", headers=AUTH).status_code == 401
    )  # service token is not staff


def test_csv_export_has_every_section_and_no_personal_data(
    history: tuple[TestClient, FixedClock, dict[str, str]],
) -> None:
    client, _, numbers = history
    city = staff_headers(client, "city.sup", "supervisor", CITY)
    response = client.get(f"{STATS}/export.csv", params=PERIOD, headers=city)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "xf-stats-20261001-20261230.csv" in response.headers["content-disposition"]
    text = response.text
    assert text.startswith("\ufeff信访统计分析报表")
    for heading in (
        "概况",
        "承办单位",
        "内容分类",
        "问题属地",
        "趋势（按周）",
        "按期受理率",
        "满意率",
    ):
        assert heading in text
    assert "合计,4,1,25.0%,4,2,50.0%,2,1,50.0%,2,1,0,1,50.0%,0,1" in text
    for secret in ("王五", "13900000001", "化工厂", numbers["A"]):
        assert secret not in text


def test_filter_options_follow_the_scope(
    history: tuple[TestClient, FixedClock, dict[str, str]],
) -> None:
    client, _, _ = history
    district = staff_headers(client, "d.sup", "supervisor", JINSHUI)
    body = client.get(f"{STATS}/filters", headers=district).json()
    assert "城乡建设" in body["categories"] and "金水区" in body["districts"]
    codes = [u["code"] for u in body["units"]]
    assert codes[0] == JINSHUI and HUAYUANLU in codes and GUANCHENG not in codes
    assert body["until"] == "2026-12-30" and body["since"] == "2026-12-01"


def test_public_stats_are_aggregates_without_small_groups(make_client: MakeClient) -> None:
    clock = FixedClock(datetime.now(UTC) - timedelta(days=5))
    client = make_client(clock=clock)
    for i in range(11):
        create_case(
            client,
            description=f"第{i}号楼的电梯坏了{i + 2}天，老人上下楼困难。",
            complainant=_person(f"1390000{i:04d}"),
        )
    create_case(
        client,
        location=_location("管城回族区", "东大街街道"),
        category={"name": "交通运输", "confidence": 0.9},
        complainant=_person("13700000000"),
    )
    clock.moment = datetime.now(UTC)
    response = client.get("/api/v1/public/stats")
    assert response.status_code == 200
    body = response.json()
    assert body["totals"]["total"] == 12 and body["min_group"] == 10
    assert [(u["label"], u["total"]) for u in body["by_unit"]] == [("金水区人民政府", 11)]
    assert [(c["label"], c["total"]) for c in body["by_category"]] == [("城乡建设", 11)]
    assert body["by_unit"][0]["accept_rate"] is None  # fewer than 10 decisions: no rate
    assert sum(m["total"] for m in body["monthly"]) == 12
    for secret in ("王五", "1390000", "电梯", "XF20", "东大街"):
        assert secret not in response.text
    assert client.get("/api/v1/public/stats", params={"days": 30}).json()["until"] == body["until"]
    page = client.get("/transparency")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "信访数据公开" in page.text and "/api/v1/public/stats" in page.text


def test_helpers() -> None:
    assert choose_interval(date(2026, 1, 1), date(2026, 1, 31), "auto") == "day"
    assert choose_interval(date(2026, 1, 1), date(2026, 6, 30), "auto") == "week"
    assert choose_interval(date(2024, 1, 1), date(2026, 6, 30), "auto") == "month"
    assert bucket_starts(date(2026, 1, 30), date(2026, 3, 2), "month") == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert bucket_starts(date(2026, 11, 26), date(2026, 12, 1), "week") == [
        date(2026, 11, 23),
        date(2026, 11, 30),
    ]


def test_unit_roll_up(make_client: MakeClient) -> None:
    tree = services_of(make_client()).tree
    assert roll_up_unit(tree, CITY, HUAYUANLU) == JINSHUI
    assert roll_up_unit(tree, CITY, CITY) == CITY
    assert roll_up_unit(tree, JINSHUI, HUAYUANLU) == HUAYUANLU
    assert (
        roll_up_unit(tree, JINSHUI, f"{JINSHUI}/住房和城乡建设局") == f"{JINSHUI}/住房和城乡建设局"
    )
    assert roll_up_unit(tree, CITY, None) is None
