"""Repeat petitions (重访): detection at registration, labeled-pair quality, 重访率."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from casestore.cases.repeats import RepeatPolicy
from casestore.cases.similarity import normalize, similarities
from tests.casestore.casestore_support import CITY, JINSHUI, create_case, staff_headers

PAIRS = Path(__file__).with_name("repeat_pairs.jsonl")

LAMP = "农科路18号院门口的路灯坏了一个多月，晚上漆黑一片，老人孩子出门不安全，请尽快修。"
LAMP_AGAIN = "农科路18号院门口路灯还是不亮，上个月就反映过了，到现在没人来修。"
GARBAGE = "农科路18号院里面的垃圾桶满了好几天没人清运，味道很大。"


def _person(phone: str, id_number: str | None = None) -> dict[str, object]:
    return {"anonymous": False, "name": "李四", "phone": phone, "id_number": id_number}


def labeled_scores() -> list[tuple[float, bool]]:
    """Similarity of each labeled pair, IDF over all texts of the set (a district's pool)."""
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line]
    pool = sorted({p["a"] for p in pairs} | {p["b"] for p in pairs})
    scores = []
    for pair in pairs:
        others = [t for t in pool if t != pair["a"]]
        scores.append((similarities(pair["a"], others)[others.index(pair["b"])], pair["repeat"]))
    return scores


def test_precision_and_recall_on_the_labeled_pairs() -> None:
    threshold = RepeatPolicy().matter_similarity
    scores = labeled_scores()
    tp = sum(1 for s, same in scores if same and s >= threshold)
    fp = sum(1 for s, same in scores if not same and s >= threshold)
    fn = sum(1 for s, same in scores if same and s < threshold)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"repeat pairs: n={len(scores)} precision={precision:.2f} recall={recall:.2f}")
    assert len(scores) >= 40
    assert precision >= 0.8 and recall >= 0.8


def test_similarity_basics() -> None:
    assert normalize("ＡＢＣ，路灯！") == "abc路灯"
    same, other = similarities(LAMP, [LAMP, GARBAGE])
    assert same > 0.99 and other < 0.3
    assert similarities("", ["路灯"]) == [0.0]


def test_same_complainant_similar_matter_is_a_repeat(client: TestClient) -> None:
    first = create_case(client, description=LAMP, summary=None, complainant=_person("13900001111"))
    again = create_case(
        client,
        description=LAMP_AGAIN,
        summary=None,
        location={"district": "管城区"},  # another place: the person still links it
        complainant=_person("139-0000-1111"),
    )
    assert first["repeat_of"] is None
    assert again["repeat_of"] == first["number"]
    assert again["repeat_reason"] == "same_complainant"
    assert again["repeat_reason_label"] == "同一信访人"


def test_same_street_similar_text_from_someone_else(client: TestClient) -> None:
    first = create_case(client, description=LAMP, summary=None, complainant=_person("13900001111"))
    other = create_case(
        client, description=LAMP_AGAIN, summary=None, complainant={"anonymous": True}
    )
    assert other["repeat_of"] == first["number"]
    assert other["repeat_reason"] == "same_matter"
    third = create_case(
        client, description=LAMP_AGAIN, summary=None, complainant=_person("13700002222")
    )
    assert third["repeat_of"] == first["number"]  # linked to the first of the chain


def test_different_matter_or_place_is_not_a_repeat(client: TestClient) -> None:
    create_case(client, description=LAMP, summary=None, complainant=_person("13900001111"))
    garbage = create_case(
        client, description=GARBAGE, summary=None, complainant=_person("13700002222")
    )
    assert garbage["repeat_of"] is None
    elsewhere = create_case(
        client,
        description=LAMP_AGAIN,
        summary=None,
        location={"district": "管城区", "street": "东大街"},
        complainant=_person("13700003333"),
    )
    assert elsewhere["repeat_of"] is None


def test_same_id_number_links(client: TestClient) -> None:
    first = create_case(
        client,
        description=LAMP,
        summary=None,
        complainant=_person("13900001111", "410105199001011234"),
    )
    again = create_case(
        client,
        description=LAMP_AGAIN,
        summary=None,
        location={"district": "中牟县"},
        complainant=_person("13811112222", "410105199001011234"),
    )
    assert again["repeat_of"] == first["number"]


def test_idempotent_replay_keeps_the_link(client: TestClient) -> None:
    from tests.casestore.casestore_support import AUTH, case_body

    create_case(client, description=LAMP, summary=None)
    body = case_body(description=LAMP_AGAIN, summary=None)
    first = client.post("/api/v1/cases", json=body, headers=AUTH).json()
    replay = client.post("/api/v1/cases", json=body, headers=AUTH).json()
    assert first["repeat_of"] and replay["repeat_of"] == first["repeat_of"]


def test_repeat_rate_by_unit_and_category(client: TestClient) -> None:
    create_case(client, description=LAMP, summary=None)
    create_case(client, description=LAMP_AGAIN, summary=None)
    create_case(client, description=GARBAGE, summary=None, complainant={"anonymous": True})
    create_case(
        client,
        description="东大街的菜市场噪音很大",
        summary=None,
        location={"district": "管城区", "street": "东大街"},
        complainant={"anonymous": True},
        category={"name": "环境保护", "confidence": 0.8},
    )
    city = staff_headers(client, "sup", "supervisor", CITY)
    body = client.get("/api/v1/staff/stats/repeat-rate?by=unit", headers=city).json()
    assert (body["total"], body["repeats"]) == (4, 1)
    assert body["rate"] == 0.25
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["410105/花园路街道"]["repeats"] == 1
    assert rows["410105/花园路街道"]["label"] == "金水区花园路街道办事处"
    by_category = client.get("/api/v1/staff/stats/repeat-rate?by=category", headers=city).json()
    assert {r["key"] for r in by_category["rows"]} == {"城乡建设", "环境保护"}
    district = staff_headers(client, "dsup", "supervisor", JINSHUI)
    scoped = client.get("/api/v1/staff/stats/repeat-rate", headers=district).json()
    assert scoped["total"] == 3
    bad = client.get(
        "/api/v1/staff/stats/repeat-rate?since=2026-12-01&until=2026-11-01", headers=city
    )
    assert bad.status_code == 422 and "统计区间" in bad.json()["detail"]
