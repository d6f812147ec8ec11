"""Case numbers: local date, daily sequence, safe under concurrent registration."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from casestore.cases.numbering import format_number, normalize_number
from tests.casestore.casestore_support import AUTH, FixedClock, MakeClient, case_body


def test_number_uses_the_shanghai_date(make_client: MakeClient) -> None:
    # 16:30 UTC on 26 Nov is 00:30 on 27 Nov in Zhengzhou.
    client = make_client(clock=FixedClock(datetime(2026, 11, 26, 16, 30, tzinfo=UTC)))
    body = client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()
    assert body["number"] == "XF202611270001"
    assert body["created_at"] == "2026-11-27T00:30:00+08:00"
    assert body["accept_by"] == "2026-12-12"


def test_sequence_restarts_each_day(make_client: MakeClient) -> None:
    clock = FixedClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    client = make_client(clock=clock)
    first = client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()["number"]
    second = client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()["number"]
    clock.moment = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
    next_day = client.post("/api/v1/cases", json=case_body(), headers=AUTH).json()["number"]
    assert (first, second, next_day) == (
        "XF202611260001",
        "XF202611260002",
        "XF202611270001",
    )


def test_twenty_concurrent_registrations_get_twenty_sequential_numbers(
    make_client: MakeClient,
) -> None:
    client: TestClient = make_client(clock=FixedClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC)))

    def register(_: int) -> tuple[int, str]:
        response = client.post("/api/v1/cases", json=case_body(), headers=AUTH)
        return response.status_code, response.json()["number"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(register, range(20)))

    assert {status for status, _ in results} == {201}
    numbers = sorted(number for _, number in results)
    assert numbers == [format_number(datetime(2026, 11, 26).date(), i) for i in range(1, 21)]


def test_concurrent_replays_of_one_key_make_one_case(make_client: MakeClient) -> None:
    client: TestClient = make_client()
    body = case_body()

    def register(_: int) -> tuple[int, str, str]:
        response = client.post("/api/v1/cases", json=body, headers=AUTH)
        return (
            response.status_code,
            response.json()["number"],
            response.json()["query_code"],
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(register, range(8)))

    assert sorted(status for status, _, _ in results) == [200] * 7 + [201]
    assert len({(number, code) for _, number, code in results}) == 1
    assert client.get("/api/v1/cases", headers=AUTH).json()["total"] == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("XF202611260001", "XF202611260001"),
        ("xf202611260001", "XF202611260001"),
        ("2026 1126 0001", "XF202611260001"),
        ("XF2026112600", None),
        ("ZZ202611260001", None),
    ],
)
def test_normalize_number(typed: str, expected: str | None) -> None:
    assert normalize_number(typed) == expected


def test_service_level_race_on_one_day(make_client: MakeClient) -> None:
    """All 20 threads start registering at the same instant (barrier), bypassing HTTP."""
    from threading import Barrier

    from casestore.cases.schemas import CaseCreate
    from casestore.cases.service import register_case

    client: TestClient = make_client(clock=FixedClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC)))
    services = client.app.state.case_services  # type: ignore[attr-defined]
    barrier = Barrier(20)

    def register(_: int) -> str:
        body = CaseCreate.model_validate(case_body())
        barrier.wait()
        result, created = register_case(services, body)
        assert created
        return result.number

    with ThreadPoolExecutor(max_workers=20) as pool:
        numbers = sorted(pool.map(register, range(20)))

    assert numbers == [f"XF20261126{i:04d}" for i in range(1, 21)]
