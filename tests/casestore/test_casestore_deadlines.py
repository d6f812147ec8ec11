"""Deadline arithmetic, overdue detection, automatic 督办, 超期未评价, CLI scan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from casestore.cases.deadlines import TimeLimits, add_days, is_overdue
from casestore.cases.supervision import supervise_overdue
from casestore.core.settings import Settings
from tests.casestore.casestore_support import (
    CITY,
    HUAYUANLU,
    JINSHUI,
    FixedClock,
    MakeClient,
    MakeSettings,
    create_case,
    load_case,
    services_of,
    staff_headers,
)

T0 = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)  # 23:30 in Zhengzhou, 26 Nov


def test_deadline_arithmetic() -> None:
    assert add_days(date(2026, 11, 26), 15) == date(2026, 12, 11)
    assert add_days(date(2026, 12, 20), 60) == date(2027, 2, 18)  # across the year
    assert add_days(date(2028, 2, 1), 30) == date(2028, 3, 2)  # leap year
    assert not is_overdue(date(2026, 12, 11), date(2026, 12, 11))  # the last day is on time
    assert is_overdue(date(2026, 12, 11), date(2026, 12, 12))
    assert not is_overdue(None, date(2030, 1, 1))


def test_limits_come_from_settings() -> None:
    limits = TimeLimits.from_settings(
        Settings(_env_file=None, handle_days=20, evaluation_days=3, review_days=10)  # type: ignore[call-arg]
    )
    assert (limits.handle_days, limits.evaluation_days, limits.review_days) == (20, 3, 10)
    assert TimeLimits().accept_days == 15 and TimeLimits().extension_max_days == 30


def test_deadlines_count_in_local_days(make_client: MakeClient) -> None:
    client = make_client(clock=FixedClock(T0))
    body = create_case(client)
    assert body["created_at"].startswith("2026-11-26T23:30")
    assert body["accept_by"] == "2026-12-11"


def test_configured_handle_days(make_settings: MakeSettings, make_client: MakeClient) -> None:
    client = make_client(make_settings(handle_days=5), clock=FixedClock(T0))
    op = staff_headers(client, "op", "operator", CITY)
    number = create_case(client)["number"]
    response = client.post(f"/api/v1/staff/cases/{number}/accept", json={"version": 1}, headers=op)
    assert response.json()["deadlines"]["handle_by"] == "2026-12-01"


def _overdue_case(client: TestClient, clock: FixedClock) -> str:
    number: str = create_case(client)["number"]  # → 花园路街道, accept by 2026-12-11
    clock.moment = T0 + timedelta(days=16)
    return number


def test_overdue_cases_are_supervised_by_the_level_above_once(make_client: MakeClient) -> None:
    clock = FixedClock(T0)
    client = make_client(clock=clock)
    number = _overdue_case(client, clock)
    fresh = create_case(client)["number"]
    services = services_of(client)

    report = supervise_overdue(services)
    assert report.supervised == 1
    case = load_case(client, number)
    assert case.supervised and case.supervising_unit_code == JINSHUI
    assert case.events[-1].kind == "supervise" and case.events[-1].actor == "system:supervision"
    assert "已超过办理期限" in (case.events[-1].note or "")
    assert not load_case(client, fresh).supervised

    again = supervise_overdue(services)
    assert again.supervised == 0
    assert len(load_case(client, number).events) == 2

    district = staff_headers(client, "d-sup", "supervisor", JINSHUI)
    listed = client.get("/api/v1/staff/cases?overdue=true", headers=district).json()
    assert [i["number"] for i in listed["items"]] == [number]
    assert listed["items"][0]["overdue"] and listed["items"][0]["supervised"]
    first = client.get("/api/v1/staff/cases", headers=district).json()["items"][0]
    assert first["number"] == number  # overdue first


def test_a_new_deadline_can_be_supervised_again(make_client: MakeClient) -> None:
    clock = FixedClock(T0)
    client = make_client(clock=clock)
    number = _overdue_case(client, clock)
    services = services_of(client)
    supervise_overdue(services)
    op = staff_headers(client, "op", "operator", CITY)
    version = load_case(client, number).version
    client.post(f"/api/v1/staff/cases/{number}/accept", json={"version": version}, headers=op)
    clock.moment = clock.moment + timedelta(days=61)
    assert supervise_overdue(services).supervised == 1
    assert load_case(client, number).supervising_unit_code == JINSHUI


def test_unrated_reply_becomes_rating_overdue(make_client: MakeClient) -> None:
    clock = FixedClock(T0)
    client = make_client(clock=clock)
    number = create_case(client)["number"]
    op = staff_headers(client, "op", "operator", CITY)
    handler = staff_headers(client, "h", "handler", HUAYUANLU)
    for action, headers, body in (
        ("accept", op, {}),
        ("assign", op, {"unit_code": HUAYUANLU}),
        ("sign", handler, {}),
        ("reply", handler, {"note": "已修复"}),
    ):
        version = load_case(client, number).version
        r = client.post(
            f"/api/v1/staff/cases/{number}/{action}",
            json={"version": version, **body},
            headers=headers,
        )
        assert r.status_code == 200, r.text
    services = services_of(client)
    assert supervise_overdue(services).rating_overdue == 0
    clock.moment = T0 + timedelta(days=8)
    assert supervise_overdue(services).rating_overdue == 1
    case = load_case(client, number)
    assert case.rating_overdue and case.events[-1].kind == "mark_rating_overdue"
    assert supervise_overdue(services).rating_overdue == 0
    version = case.version
    closed = client.post(
        f"/api/v1/staff/cases/{number}/close", json={"version": version}, headers=op
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


def test_cli_supervise_overdue(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    make_client: MakeClient,
) -> None:
    from casestore import cli

    clock = FixedClock(datetime.now(UTC) - timedelta(days=20))
    client = make_client(clock=clock)
    number = create_case(client)["number"]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GAZETTEER_FILE", str(settings.gazetteer_file))
    monkeypatch.setenv("XF_ENV", "development")
    cli.main(["supervise-overdue"])
    cli.main(["supervise-overdue"])
    out = capsys.readouterr().out
    assert "1 supervised" in out and "0 supervised" in out
    assert load_case(client, number).supervised
