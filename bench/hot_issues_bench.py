"""Hot-issue mining on the real messages: batch time, incremental time, agreement.

    PYTHONPATH=. .venv/svc/bin/python bench/hot_issues_bench.py [--file ../shared/data/messages_hot_issues.jsonl]

1. imports the messages except the newest ``--held-out`` (bulk import, not timed)
   into a throw-away SQLite database (or ``--database-url``, which must be empty);
2. mines them: the batch time includes reading, representation (jieba, hashing,
   TF-IDF), clustering, naming and writing the tables;
3. imports the held-out messages and assigns each incrementally, timed one by one
   (what a registration pays);
4. mines everything again and reports how often the incremental assignment agrees
   with the batch one (same issue, or both alone), and the top 10.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from casestore.analytics import hot_issues
from casestore.analytics.mining.models import HotIssueCluster, HotIssueMember
from casestore.cases.importer import import_records, read_records
from casestore.cases.lifecycle import Actor
from casestore.cases.models import Case
from casestore.core.db import make_engine
from casestore.core.settings import Settings
from casestore.main import build_services, prepare_database

DEFAULT_FILE = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "messages_hot_issues.jsonl"
)


def _members(services: Any, external_ids: set[str]) -> dict[str, int]:
    with services.sessions() as session:
        rows = session.execute(
            select(Case.external_id, HotIssueMember.cluster_id).join(
                HotIssueMember, HotIssueMember.case_id == Case.id
            )
        ).all()
    return {e: c for e, c in rows if e in external_ids or not external_ids}


def _co_members(assignment: dict[str, int]) -> dict[int, set[str]]:
    groups: dict[int, set[str]] = {}
    for ext, cluster in assignment.items():
        groups.setdefault(cluster, set()).add(ext)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", default=str(DEFAULT_FILE))
    parser.add_argument("--held-out", type=int, default=100)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    path = Path(args.file)
    if not path.is_file():
        raise SystemExit(f"no data at {path} (the shared data folder); nothing to measure")
    records = sorted(read_records(path), key=lambda r: str(r.get("time")))
    history, held_out = records[: -args.held_out], records[-args.held_out :]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        engine = make_engine(url)
        try:
            services = build_services(settings, engine, prepare_database(settings, engine))
            report = import_records(services, iter(history), path.name)
            print(f"imported {report.created} historical messages in {report.seconds:.1f} s")

            started = time.perf_counter()
            mined = hot_issues.mine(services)
            batch_seconds = time.perf_counter() - started
            print(
                f"batch mining: {mined.cases} cases → {mined.clusters} clusters "
                f"({mined.issues} of ≥2 cases) in {batch_seconds:.1f} s"
            )

            import_records(services, iter(held_out), path.name)
            with services.sessions() as session:
                new_ids = list(
                    session.scalars(
                        select(Case.id)
                        .outerjoin(HotIssueMember, HotIssueMember.case_id == Case.id)
                        .where(HotIssueMember.case_id.is_(None))
                        .order_by(Case.created_at)
                    )
                )
            timings = []
            for case_id in new_ids:
                started = time.perf_counter()
                hot_issues.assign_case(services, case_id)
                timings.append((time.perf_counter() - started) * 1000)
            first, rest = timings[0], sorted(timings[1:]) or [timings[0]]
            print(
                f"incremental: {len(timings)} cases, first {first:.0f} ms (loads jieba and the model), "
                f"then p50 {statistics.median(rest):.0f} ms, "
                f"p95 {rest[int(0.95 * (len(rest) - 1))]:.0f} ms, max {rest[-1]:.0f} ms"
            )

            held_ids = {str(r.get("msg_id")) for r in held_out}
            incremental = _members(services, set())
            hot_issues.mine(services)
            batch = _members(services, set())
            inc_groups, batch_groups = _co_members(incremental), _co_members(batch)
            agree = 0
            for ext in held_ids & incremental.keys() & batch.keys():
                inc_mates = inc_groups[incremental[ext]] - {ext}
                batch_mates = batch_groups[batch[ext]] - {ext}
                agree += (not inc_mates and not batch_mates) or bool(inc_mates & batch_mates)
            print(
                f"agreement with a full re-mine: {agree}/{len(held_ids)} held-out cases "
                "(same issue, or alone in both)"
            )
            actor = Actor("staff", "bench", "admin", services.tree.root_code)
            top = hot_issues.top_hot_issues(services, actor, 10, refresh=False)
            with services.sessions() as session:
                sizes = {
                    row.id: row.size
                    for row in session.execute(select(HotIssueCluster.id, HotIssueCluster.size))
                }
            print("top 10:")
            for rank, item in enumerate(top.items, 1):
                print(
                    json.dumps(
                        {
                            "rank": rank,
                            "name": item.name,
                            "heat": item.heat,
                            "case_count": item.case_count,
                            "likes": item.likes,
                            "size": sizes.get(item.id),
                        },
                        ensure_ascii=False,
                    )
                )
        finally:
            engine.dispose()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
