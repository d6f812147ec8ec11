"""Dashboard query times on PostgreSQL with a large case table.

    PYTHONPATH=. .venv/svc/bin/python bench/dashboard_bench.py [--cases 1000000] [--runs 10] [--keep]

Creates a dedicated database ``xf_dashboard_bench`` (dropped at the end unless
--keep), loads N synthetic cases over two years with the seeding of
``bench/casestore_bench.py`` (COPY), then completes them in SQL so that the
dashboard has something to count: 登记 and 受理/不予受理 events (some after
the acceptance deadline), replies (some after the handling deadline),
ratings and 超期未评价. Then measures, through the real app (in-process ASGI
client: auth, validation and JSON included), p50/p95 of:

- overview (概况 + rows by unit, category and district: what the dashboard loads),
  city scope and district scope, over 30, 90 and 365 days; summary by unit alone
- trends by category (30 days by day, 365 days by month)
- the CSV export (every breakdown + the trend)
- the public figures (365 days, cache bypassed)

``--explain`` prints the PostgreSQL plan of the city-wide 90-day summary.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql
from sqlalchemy import select

from bench.casestore_bench import _admin, _pct, load_cases
from casestore.analytics.dashboard import make_cohort
from casestore.analytics.service import public_stats
from casestore.auth.models import StaffUser
from casestore.auth.tokens import TokenClaims, issue_token
from casestore.core.settings import Settings
from casestore.main import create_app

DB = "xf_dashboard_bench"

# Completes the synthetic cases: the seeding sets states and deadlines only.
COMPLETE_CASES = [
    # Replies for every state after 答复, 5-85 days after registration (handle_by is +75).
    """
    UPDATE cases SET
        replied_at = created_at + (5 + (id::bigint * 7919 % 81)) * interval '1 day',
        replied_unit_code = responsible_unit_code,
        rating = CASE
            WHEN state IN ('replied') THEN NULL
            WHEN id % 20 < 12 THEN 'satisfied'
            WHEN id % 20 < 17 THEN 'basically_satisfied'
            ELSE 'unsatisfied' END,
        rating_overdue = (state = 'closed' AND id % 20 = 19) OR (state = 'replied' AND id % 3 = 0)
    WHERE state IN ('replied', 'rated', 'closed', 'review_requested', 'reviewed')
    """,
    "UPDATE cases SET rating = NULL WHERE rating_overdue",
    "UPDATE cases SET closed_at = replied_at + interval '10 days' WHERE state = 'closed'",
    # Timeline: 登记 for all, 受理 (0-19 days: some after accept_by = +15), 答复.
    """
    INSERT INTO case_events (case_id, at, kind, actor, public, from_state, to_state)
    SELECT id, created_at, 'registered', 'system:bench', true, NULL, 'registered' FROM cases
    """,
    """
    INSERT INTO case_events (case_id, at, kind, actor, public, from_state, to_state)
    SELECT id, created_at + (id::bigint * 104729 % 20) * interval '1 day', 'accept', 'staff:bench',
           true, 'registered', 'accepted'
    FROM cases WHERE state <> 'registered'
    """,
    """
    INSERT INTO case_events (case_id, at, kind, actor, public, from_state, to_state)
    SELECT id, replied_at, 'reply', 'staff:bench', true, 'in_progress', 'replied'
    FROM cases WHERE replied_at IS NOT NULL
    """,
]


def complete_cases(url: str) -> float:
    started = time.perf_counter()
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain) as conn:
        for statement in COMPLETE_CASES:
            conn.execute(statement.encode())
        conn.commit()
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE cases")
        conn.execute("VACUUM ANALYZE case_events")
    return time.perf_counter() - started


def _token(settings: Settings, username: str, role: str, unit: str) -> dict[str, str]:
    token = issue_token(
        settings.casestore_jwt_secret.get_secret_value(),
        TokenClaims(username, role, unit),
        datetime.now(UTC),
        120,
    )
    return {"Authorization": f"Bearer {token}"}


def _timed(runs: int, call: Callable[[], None]) -> list[float]:
    call()  # warm-up: plan caches, first page reads
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        values.append((time.perf_counter() - started) * 1000)
    return values


def measure(settings: Settings, runs: int, explain: bool) -> dict[str, list[float]]:
    app = create_app(settings)
    timings: dict[str, list[float]] = {}
    with TestClient(app) as client:
        services = app.state.case_services
        tree = services.tree
        district = next(
            n.code for n in tree.nodes.values() if n.level == "district" and n.kind == "district"
        )
        with services.sessions() as session:
            for username, unit in (("bench.city", tree.root_code), ("bench.district", district)):
                if session.scalar(select(StaffUser).where(StaffUser.username == username)):
                    continue  # --reuse
                session.add(
                    StaffUser(
                        username=username,
                        display_name="bench",
                        password_hash="x",
                        role="supervisor",
                        unit_code=unit,
                        active=True,
                        created_at=datetime.now(UTC),
                    )
                )
            session.commit()
        city = _token(settings, "bench.city", "supervisor", tree.root_code)
        local = _token(settings, "bench.district", "supervisor", district)
        today = services.context().today

        def period(days: int) -> str:
            return f"since={today - timedelta(days=days - 1)}&until={today}"

        def get(path: str, headers: dict[str, str]) -> Callable[[], None]:
            def call() -> None:
                response = client.get(path, headers=headers)
                assert response.status_code == 200, response.text

            return call

        stats = "/api/v1/staff/stats"
        cases: list[tuple[str, str, dict[str, str]]] = []
        for days in (30, 90, 365):
            cases += [
                (f"overview city {days}d", f"{stats}/overview?{period(days)}", city),
                (f"overview district {days}d", f"{stats}/overview?{period(days)}", local),
                (f"summary city {days}d by unit", f"{stats}/summary?by=unit&{period(days)}", city),
            ]
        cases += [
            (
                "overview city 90d 环境保护",
                f"{stats}/overview?category=环境保护&{period(90)}",
                city,
            ),
            ("trends city 30d by category", f"{stats}/trends?by=category&{period(30)}", city),
            ("trends city 90d by unit", f"{stats}/trends?by=unit&{period(90)}", city),
            (
                "trends city 365d monthly",
                f"{stats}/trends?by=category&interval=month&{period(365)}",
                city,
            ),
            ("trends district 90d by unit", f"{stats}/trends?by=unit&{period(90)}", local),
            ("export.csv city 30d", f"{stats}/export.csv?{period(30)}", city),
            ("export.csv district 90d", f"{stats}/export.csv?{period(90)}", local),
        ]
        for name, path, headers in cases:
            timings[name] = _timed(runs, get(path, headers))

        def public() -> None:
            public_stats(services, 365)

        timings["public stats 365d (no cache)"] = _timed(max(3, runs // 3), public)
        if explain:
            _explain(settings, services, today)
    return timings


def _explain(settings: Settings, services: object, today: date) -> None:
    from sqlalchemy.dialects import postgresql

    from casestore.analytics.dashboard import _figures_query, _key_column

    cohort = make_cohort(services, None, today - timedelta(days=89), today)  # type: ignore[arg-type]
    query = _figures_query(services, cohort, "postgresql", [_key_column("unit")])  # type: ignore[arg-type]
    compiled = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    plain = settings.database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain) as conn:
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}".encode()).fetchall()
    print("\n".join(r[0] for r in rows))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    args = parser.parse_args()
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        casestore_demo_staff=False,
        supervise_interval_seconds=0,
        web_dir=Path("/nonexistent"),
    )
    if not args.reuse:
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
        _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
    try:
        if not args.reuse:
            seconds = load_cases(url, settings, args.cases)
            print(f"loaded {args.cases:,} cases with COPY in {seconds:.1f} s")
            seconds = complete_cases(url)
            print(f"completed them (events, replies, ratings) in {seconds:.1f} s")
        timings = measure(settings, args.runs, args.explain)
        for name, values in timings.items():
            print(
                f"{name:38s} n={len(values):3d}  p50={statistics.median(values):7.1f} ms  "
                f"p95={_pct(values, 95):7.1f} ms  max={max(values):7.1f} ms"
            )
    finally:
        if not args.keep:
            _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
