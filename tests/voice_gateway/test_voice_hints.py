import json

from voice_gateway.hints import (
    TWILIO_MAX_HINT_CHARS,
    build_hints,
    hints_for,
    place_names,
)

GAZETTEER = {
    "province": "河南省",
    "city": {"name": "郑州市", "code": "410100", "aliases": ["郑州"]},
    "source": "test",
    "districts": [
        {
            "name": "金水区",
            "code": "410105",
            "kind": "district",
            "aliases": ["金水"],
            "streets": [
                {
                    "name": "花园路街道",
                    "code": None,
                    "kind": "street",
                    "aliases": ["花园路"],
                    "communities": [],
                },
                {
                    "name": "经八路街道",
                    "code": None,
                    "kind": "street",
                    "aliases": [],
                    "communities": [],
                },
            ],
        },
        {
            "name": "管城回族区",
            "code": "410104",
            "kind": "district",
            "aliases": ["管城区", "管城"],
            "streets": [
                {
                    "name": "东大街街道",
                    "code": None,
                    "kind": "street",
                    "aliases": ["东大街"],
                    "communities": [],
                }
            ],
        },
    ],
}


def test_place_names_city_then_districts_then_streets_round_robin():
    assert place_names(GAZETTEER) == [
        "郑州市",
        "金水区",
        "金水",
        "管城回族区",
        "管城",
        "花园路街道",
        "东大街街道",
        "经八路街道",
    ]


def test_hints_from_gazetteer_file(tmp_path):
    path = tmp_path / "zhengzhou.json"
    path.write_text(json.dumps(GAZETTEER, ensure_ascii=False), encoding="utf-8")
    hints = hints_for(["投诉", "噪音"], path, max_entries=80).split(",")
    assert hints[:3] == ["投诉", "噪音", "郑州市"]
    assert "花园路街道" in hints


def test_missing_or_broken_gazetteer_gives_domain_words_only(tmp_path):
    assert hints_for(["投诉"], tmp_path / "absent.json", max_entries=80) == "投诉"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert hints_for(["投诉"], broken, max_entries=80) == "投诉"


def test_hints_respect_twilio_limits():
    words = ["投诉", "投诉", "a,b", "长" * (TWILIO_MAX_HINT_CHARS + 1)] + [
        f"地名{i}" for i in range(1000)
    ]
    hints = build_hints(words, max_entries=80).split(",")
    assert len(hints) == 80
    assert hints[:2] == ["投诉", "a b"]
    assert all(len(h) <= TWILIO_MAX_HINT_CHARS for h in hints)
    assert len(build_hints(words, max_entries=500, max_chars=300)) <= 300
