"""Case store benchmark on PostgreSQL with a large case table.

    PYTHONPATH=. .venv/svc/bin/python bench/casestore_bench.py [--cases 1000000] [--keep]

Creates a dedicated database ``xf_bench`` (dropped at the end unless --keep),
migrates and seeds it with the real gazetteer, loads N synthetic cases with
COPY, then measures through the real app (in-process ASGI client, so HTTP
parsing, auth, validation and JSON are included):

- create-case latency (POST /api/v1/cases, with routing + repeat detection), p50/p95
- staff list/filter latency (GET /api/v1/staff/cases): district scope with filters,
  district overdue list, city scope with filters (count over the whole city), p50/p95
- bulk import throughput (shared messages_with_replies.jsonl when present)

Targets (issue #5): create p95 ≤ 20 ms, filtered list p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql

from casestore.auth.tokens import TokenClaims, issue_token
from casestore.cases.importer import import_records, read_records
from casestore.core.db import make_engine
from casestore.core.settings import Settings
from casestore.main import build_services, create_app, prepare_database

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB = "xf_bench"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "messages_with_replies.jsonl"

STATES = [
    ("closed", 60),
    ("in_progress", 12),
    ("replied", 5),
    ("rated", 5),
    ("assigned", 5),
    ("accepted", 5),
    ("registered", 5),
    ("review_requested", 2),
    ("reviewed", 1),
]
WAITING = {"registered", "accepted", "assigned", "in_progress", "review_requested"}
CATEGORIES = ["城乡建设", "环境保护", "交通运输", "劳动和社会保障", "教育文体", "卫生计生", "民政"]
TOPICS = [
    "小区门口路灯坏了很久没人修，晚上出行不安全",
    "楼下烧烤摊油烟噪音扰民到凌晨",
    "工地夜间施工打桩噪音很大",
    "公司拖欠工资三个月不发",
    "自来水发黄有沉淀",
    "小区垃圾清运不及时，臭味很大",
    "道路坑洼积水严重",
    "电梯经常故障困人",
]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _admin(statement: sql.Composable) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


def load_cases(url: str, settings: Settings, count: int, seed: int = 7) -> float:
    """COPY ``count`` synthetic cases (spread over two years) into the bench database."""
    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine, prepare_database(settings, engine))
    finally:
        engine.dispose()
    tree = services.tree
    streets = [n for n in tree.nodes.values() if n.level == "street"]
    rng = random.Random(seed)
    states = [s for s, w in STATES for _ in range(w)]
    today = datetime.now(UTC).date()
    days = 730
    per_day = count // days + 1
    columns = (
        "number, query_code_hash, idempotency_key, channel, purpose, state, description, "
        "summary, district, street, responsible_unit_code, category_name, anonymous, "
        "phone_hash, accept_by, due_by, handle_by, created_at, updated_at, version, "
        "supervised, supervised_due_by, urge_count, rating_overdue, repeat"
    )
    started = time.perf_counter()
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain) as conn:
        with conn.cursor() as cur:
            with cur.copy(f"COPY cases ({columns}) FROM STDIN") as copy:
                for i in range(count):
                    day_index, seq = divmod(i, per_day)
                    day = today - timedelta(days=days - day_index)
                    created = datetime(day.year, day.month, day.day, 2, 0) + timedelta(
                        seconds=rng.randrange(0, 40_000)
                    )
                    street = rng.choice(streets)
                    district = tree.nodes[street.parent_code or ""]
                    state = rng.choice(states)
                    accept_by = day + timedelta(days=15)
                    handle_by = day + timedelta(days=75) if state != "registered" else None
                    due_by = (
                        (accept_by if state == "registered" else handle_by)
                        if state in WAITING
                        else None
                    )
                    overdue = due_by is not None and due_by < today
                    topic = rng.choice(TOPICS)
                    copy.write_row(
                        (
                            f"XF{day:%Y%m%d}{seq + 1:04d}",
                            "0" * 64,
                            f"bench-{i}",
                            "web_chat",
                            "complaint",
                            state,
                            f"{street.name}附近{topic}，编号{i}",
                            topic,
                            district.name.removesuffix("人民政府").removesuffix("管委会"),
                            street.name,
                            street.code,
                            rng.choice(CATEGORIES),
                            False,
                            f"{rng.randrange(200_000):064x}",
                            accept_by,
                            due_by,
                            handle_by,
                            created,
                            created,
                            1,
                            overdue,
                            due_by if overdue else None,
                            0,
                            False,
                            rng.random() < 0.08,
                        )
                    )
        conn.commit()
    # A bulk-loaded table needs the visibility map and statistics that
    # autovacuum would build in production (index-only counts depend on it).
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE cases")
    return time.perf_counter() - started


def measure(settings: Settings, creates: int, lists: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {
        "create": [],
        "list": [],
        "list_overdue": [],
        "list_city": [],
        "detail": [],
    }
    app = create_app(settings)
    with TestClient(app) as client:
        services = app.state.case_services
        district = next(
            n.code
            for n in services.tree.nodes.values()
            if n.level == "district" and n.kind == "district"
        )
        token = issue_token(
            settings.casestore_jwt_secret.get_secret_value(),
            TokenClaims("bench.supervisor", "supervisor", district),
            datetime.now(UTC),
            60,
        )
        from casestore.auth.models import StaffUser

        with services.sessions() as session:
            session.add(
                StaffUser(
                    username="bench.supervisor",
                    display_name="bench",
                    password_hash="x",
                    role="supervisor",
                    unit_code=district,
                    active=True,
                    created_at=datetime.now(UTC),
                )
            )
            session.add(
                StaffUser(
                    username="bench.admin",
                    display_name="bench",
                    password_hash="x",
                    role="admin",
                    unit_code=services.tree.root_code,
                    active=True,
                    created_at=datetime.now(UTC),
                )
            )
            session.commit()
        staff = {"Authorization": f"Bearer {token}"}
        city_token = issue_token(
            settings.casestore_jwt_secret.get_secret_value(),
            TokenClaims("bench.admin", "admin", services.tree.root_code),
            datetime.now(UTC),
            60,
        )
        city = {"Authorization": f"Bearer {city_token}"}
        service = {"Authorization": f"Bearer {settings.casestore_service_token.get_secret_value()}"}
        node = services.tree.nodes[district]
        streets = [
            n
            for n in services.tree.nodes.values()
            if n.parent_code == district and n.level == "street"
        ]
        rng = random.Random(11)
        numbers = []
        for i in range(creates):
            street = rng.choice(streets)
            body = {
                "idempotency_key": f"bench-create-{uuid.uuid4().hex}",
                "channel": "web_chat",
                "description": f"{street.name}附近{rng.choice(TOPICS)}，第{i}次反映",
                "summary": rng.choice(TOPICS),
                "location": {"district": node.name.removesuffix("人民政府"), "street": street.name},
                "complainant": {
                    "anonymous": False,
                    "name": "测试",
                    "phone": f"139{rng.randrange(10**8):08d}",
                },
                "category": {"name": rng.choice(CATEGORIES), "confidence": 0.9},
            }
            t = time.perf_counter()
            response = client.post("/api/v1/cases", json=body, headers=service)
            timings["create"].append((time.perf_counter() - t) * 1000)
            assert response.status_code == 201, response.text
            numbers.append(response.json()["number"])
        queries = [
            "/api/v1/staff/cases?state=in_progress&limit=20",
            "/api/v1/staff/cases?category=环境保护&limit=20",
            "/api/v1/staff/cases?state=registered&state=accepted&limit=20&offset=40",
            "/api/v1/staff/cases?sort=newest&limit=20",
        ]
        for i in range(lists):
            t = time.perf_counter()
            response = client.get(queries[i % len(queries)], headers=staff)
            timings["list"].append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.text
            t = time.perf_counter()
            response = client.get("/api/v1/staff/cases?overdue=true&limit=20", headers=staff)
            timings["list_overdue"].append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.text
            t = time.perf_counter()
            response = client.get(queries[i % 3], headers=city)
            timings["list_city"].append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.text
        for number in numbers[: min(len(numbers), 50)]:
            t = time.perf_counter()
            response = client.get(f"/api/v1/staff/cases/{number}", headers=staff)
            timings["detail"].append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.text
    return timings


def import_throughput(settings: Settings, rows: int) -> str:
    if not SHARED.is_file():
        return "import: skipped (../shared/data/messages_with_replies.jsonl not present)"
    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine, prepare_database(settings, engine))
        report = import_records(services, read_records(SHARED), SHARED.name, limit=rows)
    finally:
        engine.dispose()
    return (
        f"import: {report.created} cases (+{report.invalid} invalid) in {report.seconds:.1f} s "
        f"= {report.rate:.0f} cases/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--lists", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the xf_bench database")
    args = parser.parse_args()
    _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        casestore_demo_staff=False,
        supervise_interval_seconds=0,
        web_dir=Path("/nonexistent"),
    )
    try:
        seconds = load_cases(url, settings, args.cases)
        print(f"loaded {args.cases:,} cases with COPY in {seconds:.1f} s")
        timings = measure(settings, args.creates, args.lists)
        for name, values in timings.items():
            print(
                f"{name:13s} n={len(values):4d}  p50={statistics.median(values):7.1f} ms  "
                f"p95={_pct(values, 95):7.1f} ms  max={max(values):7.1f} ms"
            )
        print(import_throughput(settings, args.import_rows))
    finally:
        if not args.keep:
            _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
