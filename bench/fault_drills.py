"""Fault drills: kill and restart one part of the production shape during a load run.

Usage:
  python bench/fault_drills.py --drill all --users 30           # every drill, one stack
  python bench/fault_drills.py --drill redis --users 20 --duration 60
  python bench/fault_drills.py --drill rasa --model var/models/xinfang.tar.gz

Starts the production shape of `launcher/prod.py` itself, on free ports: two
Rasa servers and two action servers behind nginx, the case store, throw-away
PostgreSQL databases and RabbitMQ queue (dropped at the end, `--keep` keeps
them), and by default its own Redis on a free port (no disk, like this
machine's), so that killing Redis disturbs nobody else; `--shared-redis` drills
this machine's Redis on 6379 instead and always restarts it at the end. Work
directory and logs: `var/fault-drills/<time>/`.

Each drill runs `bench/load.py`'s citizens (half REST, half socket.io, pausing
3–10 s; a failed turn is retried as described there) and, `--fault-at` s into
the load, injects one fault with a real signal:

| drill | fault | restarted after |
|---|---|---|
| rasa | SIGKILL to Rasa server 1 (its process group) | `--down-for`, default 5 s |
| actions | SIGKILL to action server 1 | 5 s |
| actions-all | SIGKILL to both action servers | 5 s |
| casestore | SIGKILL to the case store | 10 s |
| redis | `redis-cli shutdown nosave` (locks and socket.io rooms) | 5 s |

Citizens keep starting conversations for `--duration` s and at least until
`--tail` s after the restarted component serves again; then every case is
checked. Figures per drill (monotonic clock, seconds):

- cases_expected: complaints confirmed and answered with a receipt or the
  "queued" message; cases_found: of those, in the case store (after the
  outbox had `--settle` s to deliver); lost = expected − found; duplicates:
  extra cases of one conversation, or of different conversations with the same
  masked phone, place and summary;
- turns, failed_turns (turns that needed another attempt), retries (attempts
  beyond the first), given_up (turns still failing after `--retry-for` s);
- outage_s: from the kill to the end of the last failed attempt (0: no
  citizen saw a failure);
- healthy_s: from the restart to the component's health check passing;
  serving_s: from the restart to the first real request it served (Rasa: a
  REST turn sent straight to the restarted server; action server: an action
  call straight to it; case store: its health through nginx and every outbox
  empty; Redis: a REST turn through nginx, which takes the Redis lock);
- recovery_s: from the restart until the restarted component serves again and
  turns sent from then on no longer fail: max(serving, start of the last failed
  attempt) − restart, at least 0 (a start, not an end: a socket.io message
  lost at the fault is only noticed after `--reply-timeout` s of silence, which
  outage_s includes and recovery_s does not);
- drain_s: from the restart until no action server's outbox holds an
  undelivered complaint;
- interrupted / not_resumed: conversations with a failed attempt, and those
  of them that did not reach their end (receipt, "queued" or the look-up's
  answer) afterwards; order_violations: conversations whose tracker does not
  hold the messages in the order sent (bench/load.py); state_lost: the bot
  asked again for what it had been told.

The last line printed is one JSON object: {"drills": {name: figures}, …}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any, Optional

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load  # noqa: E402
from launcher.prod import ProdPorts, ProdSystem, drop_scratch_storage, prod_system  # noqa: E402
from launcher.stack import ROOT, free_port  # noqa: E402

DRILLS = ("rasa", "actions", "actions-all", "casestore", "redis")
DOWN_S = {"rasa": 5.0, "actions": 5.0, "actions-all": 5.0, "casestore": 10.0, "redis": 5.0}
TEST_MODEL = "var/models-test/xinfang-test.tar.gz"
RASA_TOKEN = "drill-rasa-token"
SERVICE_TOKEN = "drill-service-token"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# This machine's Redis (README of the brief): nothing on disk.
SHARED_REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


class Redis:
    """The drills' Redis: a private one on a free port, or this machine's on 6379."""

    def __init__(self, work_dir: Path, shared: bool) -> None:
        self.shared = shared
        self.port = 6379 if shared else free_port()
        self.work_dir = work_dir

    def command(self) -> list[str]:
        if self.shared:
            return SHARED_REDIS_START
        return [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.work_dir),
            "--logfile",
            str(self.work_dir / "redis.log"),
            "--pidfile",
            str(self.work_dir / "redis.pid"),
        ]

    def ping(self) -> bool:
        done = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, timeout=5
        )
        return done.stdout.strip() == "PONG"

    def start(self) -> None:
        if self.ping():
            return
        subprocess.run(self.command(), check=True, capture_output=True, timeout=30)
        deadline = time.monotonic() + 20
        while not self.ping():
            if time.monotonic() > deadline:
                raise TimeoutError(f"Redis on {self.port} did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 20
        while self.ping() and time.monotonic() < deadline:
            time.sleep(0.1)


@dataclass
class Timeline:
    """When the drill did what (time.monotonic())."""

    killed_at: float = 0.0
    restarted_at: float = 0.0
    healthy_at: float = 0.0
    serving_at: float = 0.0
    drained_at: float = 0.0


def targets(system: ProdSystem, drill: str) -> list[str]:
    return {
        "rasa": system.rasa_names[:1],
        "actions": system.action_names[:1],
        "actions-all": list(system.action_names),
        "casestore": ["casestore"],
        "redis": [],
    }[drill]


def kill(system: ProdSystem, name: str) -> None:
    """SIGKILL to the service's process group (it was started in its own session)."""
    process = system.stack.services[name].process
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=15)


def undelivered(system: ProdSystem) -> int:
    """Complaints the action servers' outboxes still hold."""
    total = 0
    for name in system.action_names:
        path = system.stack.services[name].env.get("ACTIONS_OUTBOX", "")
        if not path or not Path(path).exists():
            continue
        with closing(sqlite3.connect(path, timeout=10)) as db:
            (count,) = db.execute(
                "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"
            ).fetchone()
        total += int(count)
    return total


def action_probe(sender: str) -> dict[str, Any]:
    """A minimal action call (action_start_lookup: reads the outbox, calls nothing)."""
    return {
        "next_action": "action_start_lookup",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": {"text": "查询", "intent": {"name": "query_case"}, "entities": []},
            "latest_event_time": time.time(),
            "followup_action": None,
            "paused": False,
            "events": [],
            "latest_input_channel": "rest",
            "active_loop": {},
            "latest_action": {"action_name": "action_listen"},
            "latest_action_name": "action_listen",
        },
    }


async def serving(system: ProdSystem, redis: Redis, drill: str, names: list[str]) -> None:
    """Returns once the restarted component has served a real request."""
    probe = f"drill-probe-{uuid.uuid4().hex[:10]}"
    async with httpx.AsyncClient(timeout=30) as client:
        while True:
            try:
                if drill == "rasa":
                    index = system.rasa_names.index(names[0])
                    ok = await _rest_turn(client, system.rasa_instance_url(index), probe)
                elif drill in ("actions", "actions-all"):
                    ok = True
                    for name in names:
                        port = system.ports.actions_backends[system.action_names.index(name)]
                        response = await client.post(
                            f"http://127.0.0.1:{port}/webhook", json=action_probe(probe)
                        )
                        ok = ok and response.status_code == 200
                elif drill == "casestore":
                    response = await client.get(f"{system.url('casestore')}/health")
                    ok = response.status_code == 200 and undelivered(system) == 0
                else:
                    ok = await _rest_turn(client, system.url("rasa"), probe)
            except httpx.HTTPError:
                ok = False
            if ok:
                return
            await asyncio.sleep(0.5)


async def _rest_turn(client: httpx.AsyncClient, rasa_url: str, sender: str) -> bool:
    response = await client.post(
        f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": "你好"}
    )
    return response.status_code == 200 and bool(response.json())


async def inject(
    system: ProdSystem,
    redis: Redis,
    drill: str,
    args: argparse.Namespace,
    timeline: Timeline,
    until: asyncio.Event,
) -> None:
    """Kills, waits, restarts, waits until served again; then lets the load end."""
    names = targets(system, drill)
    try:
        await asyncio.sleep(args.fault_at)
        timeline.killed_at = time.monotonic()
        if drill == "redis":
            await asyncio.to_thread(redis.stop)
        for name in names:
            await asyncio.to_thread(kill, system, name)
        log(f"{drill}: killed {', '.join(names) or 'Redis'}")
        await asyncio.sleep(args.down_for if args.down_for is not None else DOWN_S[drill])
    finally:  # whatever happened, the component comes back
        timeline.restarted_at = time.monotonic()
        if drill == "redis":
            await asyncio.to_thread(redis.start)
        for name in names:
            system.stack.start(name)
    try:
        for name in names:
            await asyncio.to_thread(system.stack.wait_healthy, 600.0, name)
        timeline.healthy_at = time.monotonic()
        log(
            f"{drill}: restarted, healthy after {timeline.healthy_at - timeline.restarted_at:.1f} s"
        )
        await asyncio.wait_for(serving(system, redis, drill, names), timeout=600)
        timeline.serving_at = time.monotonic()
        log(f"{drill}: serving after {timeline.serving_at - timeline.restarted_at:.1f} s")
        deadline = time.monotonic() + 300
        while undelivered(system) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        timeline.drained_at = time.monotonic()
        await asyncio.sleep(args.tail)
    finally:
        until.set()


def load_args(system: ProdSystem, args: argparse.Namespace, seed: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    load.add_arguments(parser)
    options = parser.parse_args([])
    options.users = args.users
    options.duration = args.duration
    options.rasa_url = system.url("rasa")
    options.casestore_url = system.url("casestore")
    options.rasa_token = RASA_TOKEN
    options.service_token = SERVICE_TOKEN
    options.seed = seed
    options.settle = args.settle
    options.reply_timeout = args.reply_timeout
    options.retry_for = args.retry_for
    options.verbose = args.verbose
    return options


async def drill_once(
    system: ProdSystem, redis: Redis, drill: str, args: argparse.Namespace, seed: int
) -> dict[str, Any]:
    timeline = Timeline()
    results = load.Results()
    until = asyncio.Event()
    started = time.monotonic()
    fault = asyncio.create_task(inject(system, redis, drill, args, timeline, until))
    figures = await load.run(load_args(system, args, seed), results, until)
    await fault  # raises if the drill itself failed
    return summarize(drill, figures, results, timeline, started, args)


def summarize(
    drill: str,
    figures: dict[str, Any],
    results: load.Results,
    timeline: Timeline,
    started: float,
    args: argparse.Namespace,
) -> dict[str, Any]:
    failures = [a for a in results.attempts if not a.ok]
    after_kill = [a for a in failures if a.ended >= timeline.killed_at]
    last_failure = max((a.ended for a in after_kill), default=0.0)
    last_failed_send = max((a.started for a in after_kill), default=0.0)
    restart = timeline.restarted_at

    def since_restart(at: float) -> Optional[float]:
        return round(at - restart, 1) if at else None

    return {
        "drill": drill,
        "down_s": args.down_for if args.down_for is not None else DOWN_S[drill],
        "cases_expected": figures["cases_expected"],
        "cases_found": figures["cases_found"],
        "duplicates": figures["duplicates"],
        "lost": figures["lost"],
        "turns": figures["turns"],
        "failed_turns": figures["failed_turns"],
        "retries": figures["retries"],
        "given_up": figures["given_up"],
        "recovery_s": round(max(timeline.serving_at, last_failed_send, restart) - restart, 1),
        "outage_s": round(last_failure - timeline.killed_at, 1) if after_kill else 0.0,
        "healthy_s": since_restart(timeline.healthy_at),
        "serving_s": since_restart(timeline.serving_at),
        "drain_s": since_restart(timeline.drained_at),
        "failed_attempts": len(failures),
        "failures_before_kill": len(failures) - len(after_kill),
        "interrupted": figures["interrupted"],
        "not_resumed": figures["not_resumed"],
        "order_violations": figures["order_violations"],
        "state_lost": figures["state_lost"],
        "confirm_unanswered": figures["confirm_unanswered"],
        "confirm_unanswered_found": figures["confirm_unanswered_found"],
        "receipts": figures["receipts"],
        "queued": figures["queued"],
        "receipt_after_queued": figures["receipt_after_queued"],
        "reconnects": figures["reconnects"],
        "turns_per_s": figures["turns_per_s"],
        "p50_ms": figures["p50_ms"],
        "p95_ms": figures["p95_ms"],
        "max_ms": figures["max_ms"],
        "kill_at_s": round(timeline.killed_at - started, 1),
        "load_s": round(time.monotonic() - started, 1),
        "retry_reasons": figures["retry_reasons"],
        "errors": figures["errors"],
    }


def line(result: dict[str, Any]) -> str:
    return (
        f"drill {result['drill']}: expected {result['cases_expected']}, "
        f"found {result['cases_found']}, duplicates {result['duplicates']}, "
        f"lost {result['lost']}; turns {result['turns']}, failed {result['failed_turns']} "
        f"(retries {result['retries']}, given up {result['given_up']}); "
        f"outage {result['outage_s']} s, recovery {result['recovery_s']} s "
        f"(healthy {result['healthy_s']} s, serving {result['serving_s']} s); "
        f"not resumed {result['not_resumed']}/{result['interrupted']}, "
        f"order violations {result['order_violations']}"
    )


def _terminate(signum: int, frame: Optional[FrameType]) -> None:
    raise KeyboardInterrupt  # so that the finally blocks stop everything


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--drill",
        default="all",
        help=f"all, or one or more of {','.join(DRILLS)} (comma-separated)",
    )
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--duration", type=float, default=90.0, help="s of load per drill (min)")
    parser.add_argument("--fault-at", type=float, default=25.0, help="s into the load")
    parser.add_argument("--down-for", type=float, default=None, help="s before the restart")
    parser.add_argument("--tail", type=float, default=15.0, help="s of load after recovery")
    parser.add_argument("--settle", type=float, default=90.0, help="s for queued cases")
    parser.add_argument("--reply-timeout", type=float, default=30.0)
    parser.add_argument("--retry-for", type=float, default=180.0)
    parser.add_argument("--model", default=TEST_MODEL)
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--shared-redis", action="store_true", help="drill this machine's Redis")
    parser.add_argument("--keep", action="store_true", help="keep the databases and the queue")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    drills = list(DRILLS) if args.drill == "all" else args.drill.split(",")
    if unknown := [d for d in drills if d not in DRILLS]:
        parser.error(f"unknown drill {', '.join(unknown)}; drills: {', '.join(DRILLS)}")
    if not (ROOT / args.model).exists():
        parser.error(f"{args.model} is missing (make {TEST_MODEL})")
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        parser.error("nginx is missing (make nginx)")
    signal.signal(signal.SIGTERM, _terminate)

    work = args.work_dir or ROOT / "var/fault-drills" / datetime.now().strftime("%Y%m%d-%H%M%S")
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    suffix = uuid.uuid4().hex[:8]
    rasa_db, cases_db, queue = (
        f"xf_drill_rasa_{suffix}",
        f"xf_drill_cases_{suffix}",
        f"xf_drill_{suffix}",
    )
    redis = Redis(work, shared=args.shared_redis)
    system: Optional[ProdSystem] = None
    results: dict[str, Any] = {}
    try:
        redis.start()
        system = prod_system(
            args.model,
            work,
            ProdPorts.free(rasa_instances=2, action_instances=2),
            env={
                "RASA_DB_NAME": rasa_db,
                "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{cases_db}",
                "RABBITMQ_QUEUE": queue,
                "REDIS_PORT": str(redis.port),
                "SOCKETIO_REDIS_URL": f"redis://127.0.0.1:{redis.port}/2",
                "RASA_TOKEN": RASA_TOKEN,
                "CASESTORE_SERVICE_TOKEN": SERVICE_TOKEN,
            },
            log_dir=work / "logs",
            voice=False,
        )
        log(f"starting 2 Rasa + 2 action servers on {args.model}; logs in {work / 'logs'}")
        started = time.monotonic()
        system.start()
        system.wait_healthy(timeout=900)
        log(f"stack healthy after {time.monotonic() - started:.0f} s; rasa at {system.url('rasa')}")
        for number, drill in enumerate(drills):
            log(f"{drill}: {args.users} citizens, fault {args.fault_at:.0f} s in")
            result = asyncio.run(drill_once(system, redis, drill, args, args.seed + number))
            results[drill] = result
            print(line(result), flush=True)
            system.wait_healthy(timeout=600)
    except KeyboardInterrupt:
        log("interrupted")
    finally:
        if system is not None:
            system.stop()
        if redis.shared:
            redis.start()  # this machine's Redis must be running again
        else:
            redis.stop()
        if not args.keep:
            try:
                drop_scratch_storage([rasa_db, cases_db], queue, PG_ADMIN)
            except Exception as error:  # noqa: BLE001 - report, the run is over anyway
                log(f"could not drop the drill's storage: {error}")
    summary = {
        "users": args.users,
        "model": args.model,
        "rasa_instances": 2,
        "action_instances": 2,
        "drills": results,
    }
    print(json.dumps(summary, ensure_ascii=False))
    ok = len(results) == len(drills) and all(
        r["lost"] == 0 and r["duplicates"] == 0 and r["order_violations"] == 0
        for r in results.values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
