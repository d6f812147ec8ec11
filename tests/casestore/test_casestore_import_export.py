"""Bulk import (JSONL/CSV, idempotent) and CSV export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casestore.cases.importer import import_records, read_records
from casestore.cases.models import Case
from casestore.core.settings import Settings
from tests.casestore.casestore_support import CITY, create_case, services_of, staff_headers

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "messages_with_replies.jsonl"

ROWS = [
    {
        "msg_id": 1,
        "user": "U1",
        "time": "2019-04-25 09:32:09",
        "title": "小区路灯不亮",
        "detail": "金水区花园路街道某小区路灯坏了两个月。",
        "reply": "已责成物业维修。",
        "reply_time": "2019-05-10 10:00:00",
    },
    {
        "msg_id": 2,
        "user": "U2",
        "time": "2019-04-26 11:00:00",
        "title": "噪音扰民",
        "detail": "夜间施工噪音扰民。",
        "reply": "",
        "reply_time": "",
    },
    {"msg_id": 3, "user": "U3", "time": "not a time", "title": "坏行", "detail": "x"},
    {"msg_id": 4, "user": "U4", "time": "2019-04-27 08:00:00", "title": "空", "detail": "   "},
]


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "history.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in ROWS] + ["{broken"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(client: TestClient) -> int:
    with services_of(client).sessions() as session:
        return session.scalar(select(func.count(Case.id))) or 0


def test_import_is_idempotent_and_maps_replies(client: TestClient, tmp_path: Path) -> None:
    path = _jsonl(tmp_path)
    services = services_of(client)
    progress = io.StringIO()
    report = import_records(services, read_records(path), path.name, progress=progress, total=5)
    assert (report.created, report.skipped, report.invalid) == (2, 0, 3)
    assert "5/5" in progress.getvalue()
    again = import_records(services, read_records(path), path.name)
    assert (again.created, again.skipped) == (0, 2)
    assert _count(client) == 2
    with services.sessions() as session:
        first = session.scalars(select(Case).order_by(Case.id)).first()
        assert first is not None
        assert first.number.startswith("XF20190425")
        assert first.state == "closed" and first.external_id == "1"
        assert [e.kind for e in first.events] == ["registered", "import_history"]
        assert "已责成物业维修" in (first.events[-1].note or "")
        assert first.responsible_unit_code == "410105/花园路街道" or first.summary == "小区路灯不亮"


def test_import_csv(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(
            out, fieldnames=["msg_id", "time", "title", "detail", "reply", "reply_time"]
        )
        writer.writeheader()
        writer.writerow({k: ROWS[0].get(k, "") for k in writer.fieldnames})
    report = import_records(services_of(client), read_records(path), path.name)
    assert report.created == 1


def test_cli_import_and_export(
    client: TestClient,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from casestore import cli

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GAZETTEER_FILE", str(settings.gazetteer_file))
    monkeypatch.setenv("XF_ENV", "development")
    cli.main(["import-cases", str(_jsonl(tmp_path))])
    out = tmp_path / "out.csv"
    cli.main(["export-cases", str(out)])
    printed = capsys.readouterr().out
    assert "imported 2" in printed and "2 cases exported" in printed
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert {r["state"] for r in rows} == {"closed"}


def test_export_endpoint_has_no_personal_data(client: TestClient) -> None:
    create_case(client)
    headers = staff_headers(client, "admin", "admin", CITY)
    response = client.get("/api/v1/staff/cases.csv", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    text = response.text
    assert "13812341234" not in text and "张三" not in text and "410105199001011234" not in text
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["state_label"] == "已登记"


@pytest.mark.skipif(not SHARED.is_file(), reason="../shared/data not present")
def test_import_real_messages_sample(client: TestClient) -> None:
    report = import_records(services_of(client), read_records(SHARED), SHARED.name, limit=60)
    assert report.created + report.invalid == 60
    assert report.created >= 50
