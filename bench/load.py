"""Load generator: N citizens at once, whole complaint conversations, checked in the case store.

Usage (against whatever is running, e.g. `make run-prod` or `make run`):
  python bench/load.py --users 100                  # people: 3–10 s of typing between turns
  python bench/load.py --users 20 --closed-loop     # no pauses: peak throughput
  python bench/load.py --users 50 --duration 150    # each citizen keeps going for 150 s

Every citizen talks Chinese over the real channels — half over the REST
channel, half over socket.io long-polling (as the web page does; nginx's sticky
cookie is kept per citizen) — and answers what the bot actually asks, with
varied wording: plain complaints, a correction at the read-back
("电话不对，是…", "地点不对，是…"), and look-ups (`查询 XF…` then the query code)
of the case they filed. Then it checks:

- in the case store (service token, `GET /api/v1/cases`, newest first): every
  confirmed complaint is there exactly once, under its conversation id, with
  the number the citizen was told and the place and phone they confirmed;
- in Rasa's tracker (HTTP API token): each conversation's user messages are
  stored in the order sent, each answered before the next one (no reply to
  turn k+1 before turn k), also when turns landed on different instances.

Per-turn latency: from sending a message to the bot's answer (REST: the HTTP
response; socket.io: the message that asks the next question or ends the turn).
The last line printed is one JSON object: users, turns, turns_per_s, p50_ms,
p95_ms, cases_expected, cases_found, duplicates, and more detail.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Optional, Protocol

import aiohttp
import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency_stats import percentile  # noqa: E402

CASE_NUMBER = re.compile(r"XF\d{12}")
QUERY_CODE = re.compile(r"查询码：(\d{6})")
STICKY_COOKIE = "xf_lb"  # launcher/prod.py's nginx cookie
# socket.io has no end-of-turn marker: after a message that asks nothing (a
# validation hint, a fallback), the turn ends when nothing more comes for this long.
QUIET_S = 5.0

# Real places of the gazetteer (district, street).
PLACES = [
    ("金水区", "花园路街道"),
    ("二七区", "大学路街道"),
    ("管城回族区", "南关街道"),
    ("中原区", "林山寨街道"),
    ("惠济区", "刘寨街道"),
    ("中原区", "建设路街道"),
    ("二七区", "五里堡街道"),
    ("管城回族区", "东大街街道"),
]
PROBLEMS = [
    "有个工地半夜还在施工，吵得睡不着",
    "有家烧烤店天天晚上油烟很大，熏得没法开窗",
    "小区门口的垃圾好几天没人清运了，臭气熏天",
    "路灯坏了一个多月了，晚上走路很危险",
    "有人占道经营，把人行道都堵死了",
    "小区物业乱收停车费，一个月多收两百块",
    "有个广场舞晚上十点多还在放音乐，声音特别大",
    "下水道堵了，污水都漫到路上了",
]
OPENERS = [
    "我要投诉，{place}{problem}",
    "反映个问题，{place}{problem}",
    "你好，我想反映一下{place}{problem}",
    "{place}{problem}，有没有人管",
    "我要举报{place}{problem}",
]
TIMES = ["昨天晚上十二点", "每天晚上都这样", "上个星期开始的", "一直这样", "前天下午三点左右"]
REQUESTS = [
    "希望相关部门尽快处理",
    "请有关部门管一管",
    "希望尽快解决",
    "希望能整改到位",
    "要求相关部门查处",
]
SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄"]
CONTACTS = [
    "我叫{name}，电话{phone}",
    "{name}，{phone}",
    "电话{phone}，我叫{name}",
    "我的手机号是{phone}，姓名{name}",
]
LOOKUP_OPENERS = ["查询 {number}", "查询{number}", "帮我查一下{number}的办理进度"]
CONFIRM = ["对", "对的", "没问题", "是的"]


def classify(text: str) -> Optional[str]:
    """What the bot's message asks for, or how it ends the turn (None: neither)."""
    if CASE_NUMBER.search(text) and QUERY_CODE.search(text):
        return "receipt"
    if "当前状态" in text:
        return "lookup_result"
    rules = [
        ("哪里不对", "readback"),
        ("哪里需要修改", "ask_correction"),
        ("已完整记录", "queued"),
        ("遇到了什么问题", "ask_description"),
        ("哪个区县", "ask_district"),
        ("哪个街道或乡镇", "ask_street"),
        ("什么时候发生", "ask_time"),
        ("您的诉求", "ask_request"),
        ("联系电话", "ask_contact"),
        ("怎么称呼", "ask_name"),
        ("信访件编号", "ask_case_number"),
        ("6位查询码", "ask_query_code"),
        ("没有找到", "lookup_not_found"),
        ("查询码不正确", "lookup_wrong_code"),
        ("人工", "handoff"),
        ("没太明白", "fallback"),
    ]
    for needle, kind in rules:
        if needle in text:
            return kind
    return None


def turn_kind(texts: list[str]) -> Optional[str]:
    """The kind of a whole turn: its last message that asks or ends something."""
    kinds = [classify(t) for t in texts]
    real = [k for k in kinds if k and k != "fallback"]
    if real:
        return real[-1]
    return "fallback" if "fallback" in kinds else None


class TurnTimeout(Exception):
    pass


class Channel(Protocol):
    sender: str

    async def open(self) -> None: ...

    async def say(self, message: str) -> tuple[list[str], float]: ...

    async def close(self) -> None: ...


class RestChannel:
    """`POST /webhooks/rest/webhook`: the answer is the HTTP response."""

    name = "rest"

    def __init__(self, client: httpx.AsyncClient, rasa_url: str) -> None:
        self._client = client
        self._url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = f"load-rest-{uuid.uuid4().hex[:12]}"
        self.late = 0

    async def open(self) -> None:
        return None

    async def say(self, message: str) -> tuple[list[str], float]:
        started = time.perf_counter()
        response = await self._client.post(
            self._url, json={"sender": self.sender, "message": message}
        )
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return [m.get("text", "") for m in response.json() if m.get("text")], elapsed

    async def close(self) -> None:
        return None


class SocketIOChannel:
    """socket.io long-polling, as the citizen page: one session per conversation."""

    name = "socketio"

    def __init__(self, rasa_url: str, turn_timeout: float) -> None:
        self._url = rasa_url
        self._timeout = turn_timeout
        self.sender = f"load-sio-{uuid.uuid4().hex[:12]}"
        self._queue: asyncio.Queue[tuple[float, str]] = asyncio.Queue()
        self._confirmed = asyncio.Event()
        self._session: Optional[aiohttp.ClientSession] = None
        self._sio: Optional[socketio.AsyncClient] = None
        self.late = 0  # messages of an earlier turn that came after it was answered

    async def open(self) -> None:
        # nginx's sticky cookie must be kept, also for an IP-address host
        self._session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        sio = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, http_session=self._session
        )
        self._sio = sio

        async def bot_uttered(data: Any) -> None:
            text = data.get("text") if isinstance(data, dict) else None
            if text:
                self._queue.put_nowait((time.perf_counter(), str(text)))

        async def session_confirm(data: Any) -> None:
            self._confirmed.set()

        sio.on("bot_uttered", bot_uttered)
        sio.on("session_confirm", session_confirm)
        await sio.connect(
            self._url, transports=["polling"], socketio_path="socket.io", wait_timeout=30
        )
        await sio.emit("session_request", {"session_id": self.sender})
        await asyncio.wait_for(self._confirmed.wait(), timeout=30)

    async def say(self, message: str) -> tuple[list[str], float]:
        assert self._sio is not None
        while not self._queue.empty():
            self._queue.get_nowait()
            self.late += 1
        started = time.perf_counter()
        await self._sio.emit("user_uttered", {"message": message, "session_id": self.sender})
        texts: list[str] = []
        last_at = started
        deadline = started + self._timeout
        unsure = False  # nothing conclusive yet: wait a moment for more (QUIET_S)
        while True:
            wait = deadline - time.perf_counter()
            if unsure:
                wait = min(wait, QUIET_S)
            try:
                at, text = await asyncio.wait_for(self._queue.get(), timeout=max(0.01, wait))
            except TimeoutError:
                if texts:
                    break
                raise TurnTimeout(message) from None
            texts.append(text)
            last_at = at
            kind = classify(text)
            if kind and kind != "fallback":
                break
            unsure = unsure or kind == "fallback" or kind is None
        return texts, (last_at - started) * 1000

    async def close(self) -> None:
        # A polling client's disconnect waits for its pending long-poll (up to
        # 25 s); a person closing the tab does not wait, so neither does the citizen.
        CLOSING.add(asyncio.create_task(self._disconnect()))

    async def _disconnect(self) -> None:
        try:
            if self._sio is not None:
                await self._sio.disconnect()
        except Exception:  # noqa: BLE001 - closing a broken session
            pass
        finally:
            if self._session is not None:
                await self._session.close()


# socket.io sessions being closed in the background (awaited before the checks)
CLOSING: set[asyncio.Task[None]] = set()


@dataclass
class Filed:
    """A complaint the citizen confirmed, and what they were told."""

    sender: str
    district: str
    street: str
    phone: Optional[str]
    number: Optional[str] = None
    query_code: Optional[str] = None
    readback_ok: bool = True


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"rest": [], "socketio": []})
    sent: dict[str, list[str]] = field(default_factory=dict)  # sender → messages in order
    filed: list[Filed] = field(default_factory=list)
    conversations: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    lookups: int = 0
    lookups_ok: int = 0
    late: int = 0
    first_turn_at: float = 0.0
    last_turn_at: float = 0.0


class Citizen:
    def __init__(
        self, index: int, args: argparse.Namespace, results: Results, client: httpx.AsyncClient
    ):
        self.index = index
        self.args = args
        self.results = results
        self.client = client
        self.random = random.Random(args.seed * 100003 + index)
        self.socketio = self.random.random() < args.socketio_share

    def channel(self) -> Channel:
        if self.socketio:
            return SocketIOChannel(self.args.rasa_url, self.args.turn_timeout)
        return RestChannel(self.client, self.args.rasa_url)

    async def pause(self) -> None:
        if not self.args.closed_loop:
            await asyncio.sleep(self.random.uniform(3.0, 10.0))

    async def turn(
        self, channel: Channel, message: str, first: bool = False
    ) -> tuple[Optional[str], list[str]]:
        if not first:
            await self.pause()
        self.results.sent.setdefault(channel.sender, []).append(message)
        now = time.perf_counter()
        self.results.first_turn_at = self.results.first_turn_at or now
        texts, ms = await channel.say(message)
        self.results.last_turn_at = max(self.results.last_turn_at, time.perf_counter())
        self.results.latencies["socketio" if self.socketio else "rest"].append(ms)
        if self.args.verbose:
            shown = " | ".join(t[:24].replace("\n", " ") for t in texts)
            print(f"[{channel.sender}] {message[:20]} → {turn_kind(texts)} {ms:.0f} ms: {shown}")
        return turn_kind(texts), texts

    async def run(self, stop_at: float) -> None:
        await asyncio.sleep(self.random.uniform(0, self.args.ramp))
        number = 0
        while True:
            kind = ("complaint", "correction", "complaint_then_lookup")[(self.index + number) % 3]
            try:
                filed = await self.complaint(correct=kind == "correction")
                if filed and kind == "complaint_then_lookup" and filed.number and filed.query_code:
                    await self.pause()
                    await self.lookup(filed)
            except (TurnTimeout, TimeoutError):
                self.results.errors["turn_timeout"] += 1
            except (
                httpx.HTTPError,
                aiohttp.ClientError,
                socketio.exceptions.SocketIOError,
            ) as error:
                self.results.errors[type(error).__name__] += 1
            number += 1
            if time.monotonic() >= stop_at:
                return
            await self.pause()

    async def complaint(self, correct: bool) -> Optional[Filed]:
        r = self.random
        district, street = r.choice(PLACES)
        phone: Optional[str] = "13" + "".join(r.choice("0123456789") for _ in range(9))
        name = r.choice(SURNAMES) + r.choice(["先生", "女士", "建国", "秀英", "伟", "芳"])
        anonymous = r.random() < 0.15
        if anonymous:
            phone = None
        opening = r.choice(OPENERS).format(place=district + street, problem=r.choice(PROBLEMS))
        channel = self.channel()
        await channel.open()
        self.results.conversations["complaint"] += 1
        filed: Optional[Filed] = None
        try:
            kind, texts = await self.turn(channel, opening, first=True)
            corrections = 1 if correct else 0
            for _ in range(14):
                if kind == "readback":
                    readback = "\n".join(texts)
                    ok = district in readback and street in readback
                    ok = ok and (phone is None or phone in readback)
                    if corrections:
                        corrections = 0
                        if r.random() < 0.5 and phone:
                            phone = "13" + "".join(r.choice("0123456789") for _ in range(9))
                            message = r.choice(
                                ["电话不对，是{p}", "电话是{p}", "手机号改成{p}"]
                            ).format(p=phone)
                        else:
                            district, street = r.choice([p for p in PLACES if p[0] != district])
                            message = f"地点不对，是{district}{street}"
                        kind, texts = await self.turn(channel, message)
                        continue
                    filed = Filed(channel.sender, district, street, phone, readback_ok=ok)
                    self.results.filed.append(filed)
                    kind, texts = await self.turn(channel, r.choice(CONFIRM))
                    continue
                if kind == "receipt":
                    receipt = "\n".join(texts)
                    number, code = CASE_NUMBER.search(receipt), QUERY_CODE.search(receipt)
                    if filed is not None and number and code:
                        filed.number, filed.query_code = number.group(0), code.group(1)
                    return filed
                if kind == "queued":
                    return filed  # kept in the outbox; the case store check finds it later
                reply = self.answer(kind, district, street, phone, name)
                if reply is None:
                    self.results.errors[f"unexpected_{kind}"] += 1
                    if self.args.verbose:
                        print(f"[{channel.sender}] unexpected {kind}: {texts}", file=sys.stderr)
                    return filed
                kind, texts = await self.turn(channel, reply)
            self.results.errors["too_many_turns"] += 1
            return filed
        finally:
            self.results.late += getattr(channel, "late", 0)
            await channel.close()

    def answer(
        self, kind: Optional[str], district: str, street: str, phone: Optional[str], name: str
    ) -> Optional[str]:
        """What a citizen answers to the bot's question (None: not a question of the form)."""
        r = self.random
        if kind == "ask_contact":
            return "匿名" if phone is None else r.choice(CONTACTS).format(name=name, phone=phone)
        answers = {
            "ask_time": r.choice(TIMES),
            "ask_request": r.choice(REQUESTS),
            "ask_name": name,
            "ask_district": district,
            "ask_street": street,
            "ask_description": r.choice(PROBLEMS),
            "ask_correction": f"地点不对，是{district}{street}",
        }
        return answers.get(kind or "")

    async def lookup(self, filed: Filed) -> None:
        assert filed.number and filed.query_code
        channel = self.channel()
        await channel.open()
        self.results.conversations["lookup"] += 1
        self.results.lookups += 1
        try:
            opening = self.random.choice(LOOKUP_OPENERS).format(number=filed.number)
            kind, texts = await self.turn(channel, opening, first=True)
            if kind == "ask_query_code":
                kind, texts = await self.turn(channel, filed.query_code)
            if kind == "lookup_result" and filed.number in "\n".join(texts):
                self.results.lookups_ok += 1
            else:
                self.results.errors[f"lookup_{kind}"] += 1
        finally:
            await channel.close()


async def fetch_cases(args: argparse.Namespace, since: datetime) -> list[dict[str, Any]]:
    """Every case created since `since`, newest first (paged)."""
    headers = {"Authorization": f"Bearer {args.service_token}"}
    items: list[dict[str, Any]] = []
    async with httpx.AsyncClient(timeout=30) as client:
        offset = 0
        while True:
            response = await client.get(
                f"{args.casestore_url}/api/v1/cases",
                params={"limit": 100, "offset": offset},
                headers=headers,
            )
            response.raise_for_status()
            page = response.json()["items"]
            items += page
            offset += len(page)
            if not page or _created(page[-1]) < since:
                return [i for i in items if _created(i) >= since]


def _created(item: dict[str, Any]) -> datetime:
    value = datetime.fromisoformat(str(item["created_at"]).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def check_cases(
    filed: list[Filed], cases: list[dict[str, Any]], verbose: bool = False
) -> dict[str, int]:
    by_conversation: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        by_conversation.setdefault(str(case.get("conversation_id")), []).append(case)
    found = duplicates = mismatches = 0
    for item in filed:
        stored = by_conversation.get(item.sender, [])
        if not stored:
            continue
        found += 1
        duplicates += len(stored) - 1
        case = stored[-1]  # the oldest
        phone = (case.get("complainant") or {}).get("phone") or ""
        same = (
            case.get("district") == item.district
            and case.get("street") == item.street
            and (item.number is None or case.get("number") == item.number)
            and (item.phone is None or phone[-4:] == item.phone[-4:])
        )
        mismatches += 0 if same else 1
        if not same and verbose:
            print(
                f"[{item.sender}] confirmed {item.district}{item.street} {item.phone} "
                f"{item.number}, stored {case.get('district')}{case.get('street')} "
                f"{phone} {case.get('number')}",
                file=sys.stderr,
            )
    return {"cases_found": found, "duplicates": duplicates, "mismatches": mismatches}


async def check_order(args: argparse.Namespace, sent: dict[str, list[str]]) -> tuple[int, int]:
    """(conversations checked, violations): user messages in order, each answered first."""
    limit = asyncio.Semaphore(8)
    violations = 0

    async def one(client: httpx.AsyncClient, sender: str, messages: list[str]) -> bool:
        async with limit:
            response = await client.get(
                f"{args.rasa_url}/conversations/{sender}/tracker",
                params={"token": args.rasa_token, "include_events": "ALL"},
            )
        if response.status_code != 200:
            return False
        users: list[str] = []
        answered: list[bool] = []
        for event in response.json().get("events", []):
            if event.get("event") == "user":
                users.append(str(event.get("text")))
                answered.append(False)
            elif event.get("event") == "bot" and answered:
                answered[-1] = True
        return users == messages and all(answered)

    async with httpx.AsyncClient(timeout=60) as client:
        results = await asyncio.gather(*(one(client, s, m) for s, m in sent.items()))
    violations = sum(1 for ok in results if not ok)
    return len(results), violations


def _figures(values: list[float]) -> dict[str, float]:
    if not values:
        return {"turns": 0}
    return {
        "turns": len(values),
        "p50_ms": round(percentile(values, 0.5), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    since = datetime.now(UTC) - timedelta(seconds=5)
    results = Results()
    limits = httpx.Limits(
        max_connections=args.users + 10, max_keepalive_connections=args.users + 10
    )
    async with httpx.AsyncClient(timeout=args.turn_timeout, limits=limits) as client:
        stop_at = time.monotonic() + args.duration
        citizens = [Citizen(i, args, results, client) for i in range(args.users)]
        await asyncio.gather(*(c.run(stop_at) for c in citizens))
    if CLOSING:  # a few seconds for goodbyes, then drop the rest (the server times them out)
        _, pending = await asyncio.wait(CLOSING, timeout=5)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    wall = max(0.001, results.last_turn_at - results.first_turn_at)
    latencies = results.latencies["rest"] + results.latencies["socketio"]

    expected = len(results.filed)
    deadline = time.monotonic() + args.settle
    while True:  # the outbox may still be delivering
        cases = await fetch_cases(args, since)
        checked = check_cases(results.filed, cases)
        if checked["cases_found"] >= expected or time.monotonic() > deadline:
            break
        await asyncio.sleep(2)
    if args.verbose:
        check_cases(results.filed, cases, verbose=True)
    conversations, violations = await check_order(args, results.sent)
    return {
        "users": args.users,
        "turns": len(latencies),
        "turns_per_s": round(len(latencies) / wall, 2),
        "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "cases_expected": expected,
        "cases_found": checked["cases_found"],
        "duplicates": checked["duplicates"],
        "mode": "closed-loop" if args.closed_loop else "pausing 3-10 s",
        "duration_s": round(wall, 1),
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "by_channel": {name: _figures(v) for name, v in results.latencies.items()},
        "conversations": dict(results.conversations),
        "mismatches": checked["mismatches"],
        "readback_wrong": sum(1 for f in results.filed if not f.readback_ok),
        "receipts": sum(1 for f in results.filed if f.number),
        "lookups": results.lookups,
        "lookups_ok": results.lookups_ok,
        "order_checked": conversations,
        "order_violations": violations,
        "late_messages": results.late,
        "errors": dict(results.errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--closed-loop", action="store_true", help="no pauses between turns")
    parser.add_argument(
        "--duration",
        type=float,
        default=0,
        help="seconds each citizen keeps starting conversations",
    )
    parser.add_argument("--ramp", type=float, default=5.0, help="citizens start within this many s")
    parser.add_argument("--socketio-share", type=float, default=0.5)
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument(
        "--casestore-url", default=os.environ.get("CASESTORE_URL", "http://127.0.0.1:8000")
    )
    parser.add_argument("--rasa-token", default=os.environ.get("RASA_TOKEN", "dev-rasa-token"))
    parser.add_argument(
        "--service-token", default=os.environ.get("CASESTORE_SERVICE_TOKEN", "dev-service-token")
    )
    parser.add_argument("--turn-timeout", type=float, default=120.0)
    parser.add_argument("--settle", type=float, default=30.0, help="wait for queued cases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    args.rasa_url = args.rasa_url.rstrip("/")
    args.casestore_url = args.casestore_url.rstrip("/")
    result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False))
    ok = (
        result["cases_found"] == result["cases_expected"]
        and result["duplicates"] == 0
        and result["order_violations"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
