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
response; socket.io: the message that asks the next question or ends the turn);
for a retried turn, from the first attempt to the answer.

A turn that fails is retried like a person at the web chat would: an HTTP
5xx, a connection error, a timeout, an empty answer (Rasa's REST channel answers
`200 []` when the turn raised, e.g. with Redis down) or, over socket.io, a
disconnect or silence for `--reply-timeout` s. The citizen waits 1, 2, 4, then
5 s between attempts (socket.io-client's reconnection backoff, capped at 5 s as
`web/chat.js` does), reconnects socket.io with the same session id (so the
conversation resumes from the tracker store) and sends the same message again,
for at most `--retry-for` s. `web/chat.js` itself reconnects but does not re-send
the unanswered message; the person retypes it, which is what this models.
A complaint is expected in the case store once the citizen confirmed the
read-back and was answered with a receipt or the "queued" message; a confirm
whose answer was lost (sent, retried, but neither came) is counted apart
(`confirm_unanswered`) and still checked for duplicates. Duplicates: two cases
of one conversation, or two cases of different conversations of this run with
the same (masked) phone, place and summary.
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
        ("没有处理成功", "turn_failed"),  # bot/rasa_patches.py TURN_FAILED_TEXT: send it again
        ("哪里不对", "readback"),
        ("哪里需要修改", "ask_correction"),
        ("已完整记录", "queued"),
        ("还在登记中", "pending"),
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


class TurnFailed(Exception):
    """One attempt of a turn failed; the citizen tries again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Pause before each new attempt: socket.io-client's reconnection backoff (1 s,
# doubling), capped at 5 s like web/chat.js's `reconnectionDelayMax`.
RETRY_DELAYS = (1.0, 2.0, 4.0, 5.0)


class Channel(Protocol):
    sender: str

    async def open(self) -> None: ...

    async def say(self, message: str) -> tuple[list[str], float]: ...

    async def recover(self) -> None: ...

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
        try:
            response = await self._client.post(
                self._url, json={"sender": self.sender, "message": message}
            )
        except httpx.TransportError as error:  # refused, reset, timed out
            raise TurnFailed(type(error).__name__) from error
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code >= 500:  # nginx 502/504, or the server's own error
            raise TurnFailed(f"http_{response.status_code}")
        response.raise_for_status()
        texts = [m.get("text", "") for m in response.json() if m.get("text")]
        if not texts:  # stock Rasa's REST channel answers [] when the turn raised
            raise TurnFailed("empty_answer")
        if any(classify(text) == "turn_failed" for text in texts):
            raise TurnFailed("turn_failed")
        return texts, elapsed

    async def recover(self) -> None:
        return None

    async def close(self) -> None:
        return None


class SocketIOChannel:
    """socket.io long-polling, as the citizen page: one session per conversation.

    A dropped connection is re-made with the same session id (and nginx's
    sticky cookie, as the browser keeps it), which resumes the conversation.
    """

    name = "socketio"

    def __init__(self, rasa_url: str, turn_timeout: float, reply_timeout: float = 0) -> None:
        self._url = rasa_url
        self._timeout = turn_timeout
        self._reply_timeout = reply_timeout or turn_timeout
        self.sender = f"load-sio-{uuid.uuid4().hex[:12]}"
        self._queue: asyncio.Queue[tuple[float, str]] = asyncio.Queue()
        self._session: Optional[aiohttp.ClientSession] = None
        self._sio: Optional[socketio.AsyncClient] = None
        self._dropped = asyncio.Event()
        self.late = 0  # messages of an earlier turn that came after it was answered
        self.reconnects = 0

    async def open(self) -> None:
        # nginx's sticky cookie must be kept, also for an IP-address host
        self._session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        await self._connect()

    async def _connect(self) -> None:
        sio = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, http_session=self._session
        )
        self._sio = sio
        dropped = self._dropped = asyncio.Event()
        confirmed = asyncio.Event()

        async def bot_uttered(data: Any) -> None:
            text = data.get("text") if isinstance(data, dict) else None
            if text:
                self._queue.put_nowait((time.perf_counter(), str(text)))

        async def session_confirm(data: Any) -> None:
            confirmed.set()

        async def disconnect(*_: Any) -> None:
            dropped.set()

        sio.on("bot_uttered", bot_uttered)
        sio.on("session_confirm", session_confirm)
        sio.on("disconnect", disconnect)
        try:
            await sio.connect(
                self._url, transports=["polling"], socketio_path="socket.io", wait_timeout=30
            )
            await sio.emit("session_request", {"session_id": self.sender})
            await asyncio.wait_for(confirmed.wait(), timeout=30)
        except (socketio.exceptions.SocketIOError, aiohttp.ClientError, TimeoutError) as error:
            self._discard(sio)
            raise TurnFailed(f"connect_{type(error).__name__}") from error

    async def recover(self) -> None:
        """Reconnects with the same session id if the connection dropped."""
        if self._sio is not None and self._sio.connected and not self._dropped.is_set():
            return
        if self._sio is not None:
            self._discard(self._sio)
        self.reconnects += 1
        await self._connect()

    def _discard(self, sio: socketio.AsyncClient) -> None:
        async def quietly() -> None:
            try:
                await asyncio.wait_for(sio.disconnect(), timeout=5)
            except Exception:  # noqa: BLE001 - a broken session is being dropped
                pass

        CLOSING.add(asyncio.create_task(quietly()))

    async def say(self, message: str) -> tuple[list[str], float]:
        assert self._sio is not None
        if self._dropped.is_set() or not self._sio.connected:
            raise TurnFailed("disconnected")
        while not self._queue.empty():
            self._queue.get_nowait()
            self.late += 1
        started = time.perf_counter()
        try:
            await self._sio.emit("user_uttered", {"message": message, "session_id": self.sender})
        except socketio.exceptions.SocketIOError as error:
            raise TurnFailed("disconnected") from error
        texts: list[str] = []
        last_at = started
        deadline = started + self._timeout
        silence = started + self._reply_timeout  # nothing at all by then: send again
        unsure = False  # nothing conclusive yet: wait a moment for more (QUIET_S)
        while True:
            wait = (deadline if texts else silence) - time.perf_counter()
            if unsure:
                wait = min(wait, QUIET_S)
            got = asyncio.ensure_future(self._queue.get())
            drop = asyncio.ensure_future(self._dropped.wait())
            done, _ = await asyncio.wait(
                {got, drop}, timeout=max(0.01, wait), return_when=asyncio.FIRST_COMPLETED
            )
            drop.cancel()
            if got not in done:
                got.cancel()
                if texts:
                    break
                raise TurnFailed("disconnect" if drop in done else "no_reply")
            at, text = got.result()
            texts.append(text)
            last_at = at
            kind = classify(text)
            if kind == "turn_failed":
                raise TurnFailed("turn_failed")
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
    outcome: Optional[str] = None  # "receipt" or "queued" once the confirm was answered

    @property
    def expected(self) -> bool:
        return self.outcome is not None


@dataclass
class Sent:
    """One message a citizen sent, however many attempts it took."""

    text: str
    attempts: int = 0
    answered: bool = False


@dataclass
class Attempt:
    """One try of one turn (monotonic seconds), for the fault drills' timeline."""

    started: float
    ended: float
    ok: bool
    channel: str
    reason: str = ""


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"rest": [], "socketio": []})
    sent: dict[str, list[Sent]] = field(default_factory=dict)  # sender → messages in order
    filed: list[Filed] = field(default_factory=list)
    conversations: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    retry_reasons: Counter[str] = field(default_factory=Counter)
    receipt_outcomes: Counter[str] = field(default_factory=Counter)  # "查询" after "queued"
    attempts: list[Attempt] = field(default_factory=list)
    lookups: int = 0
    lookups_ok: int = 0
    late: int = 0
    failed_turns: int = 0  # turns that needed at least one more attempt
    retries: int = 0  # attempts beyond the first
    given_up: int = 0  # turns still failing after --retry-for s
    reconnects: int = 0  # socket.io sessions re-made with the same session id
    interrupted: int = 0  # conversations with a failed attempt
    not_resumed: int = 0  # …that did not reach their end afterwards
    state_lost: int = 0  # the bot asked again for what it had been told before
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
        self.interrupted = False  # the current conversation had a failed attempt

    def channel(self) -> Channel:
        if self.socketio:
            return SocketIOChannel(
                self.args.rasa_url, self.args.turn_timeout, self.args.reply_timeout
            )
        return RestChannel(self.client, self.args.rasa_url)

    async def pause(self) -> None:
        if not self.args.closed_loop:
            await asyncio.sleep(self.random.uniform(3.0, 10.0))

    async def backoff(self, attempt: int) -> None:
        delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
        await asyncio.sleep(delay * self.random.uniform(0.8, 1.2))

    async def open(self, channel: Channel) -> None:
        """Opens the channel, trying again like a reloading page for --retry-for s."""
        began = time.monotonic()
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                await channel.open() if attempt == 0 else await channel.recover()
                return
            except TurnFailed as failure:
                self.failed(started, failure.reason)
                if time.monotonic() - began > self.args.retry_for:
                    self.results.given_up += 1
                    raise TurnTimeout("open") from failure
            await self.backoff(attempt)
            attempt += 1

    def failed(self, started: float, reason: str) -> None:
        self.interrupted = True
        self.results.retry_reasons[reason] += 1
        self.results.attempts.append(
            Attempt(started, time.monotonic(), False, self.kind_of_channel, reason)
        )

    @property
    def kind_of_channel(self) -> str:
        return "socketio" if self.socketio else "rest"

    async def turn(
        self, channel: Channel, message: str, first: bool = False
    ) -> tuple[Optional[str], list[str]]:
        if not first:
            await self.pause()
        record = Sent(message)
        self.results.sent.setdefault(channel.sender, []).append(record)
        now = time.perf_counter()
        self.results.first_turn_at = self.results.first_turn_at or now
        began = time.monotonic()
        attempt = 0
        while True:
            started = time.monotonic()
            record.attempts += 1
            try:
                if attempt:
                    await channel.recover()
                texts, ms = await channel.say(message)
                break
            except TurnFailed as failure:
                self.failed(started, failure.reason)
                if time.monotonic() - began > self.args.retry_for:
                    self.results.given_up += 1
                    raise TurnTimeout(message) from failure
            await self.backoff(attempt)
            attempt += 1
        ended = time.monotonic()
        record.answered = True
        self.results.attempts.append(Attempt(started, ended, True, self.kind_of_channel))
        if attempt:
            self.results.failed_turns += 1
            self.results.retries += attempt
            ms = (ended - began) * 1000  # what the person waited, all attempts included
        self.results.last_turn_at = max(self.results.last_turn_at, time.perf_counter())
        self.results.latencies[self.kind_of_channel].append(ms)
        if self.args.verbose:
            shown = " | ".join(t[:24].replace("\n", " ") for t in texts)
            print(f"[{channel.sender}] {message[:20]} → {turn_kind(texts)} {ms:.0f} ms: {shown}")
        return turn_kind(texts), texts

    async def run(self, stop_at: float, until: Optional[asyncio.Event] = None) -> None:
        await asyncio.sleep(self.random.uniform(0, self.args.ramp))
        number = 0
        while True:
            kind = ("complaint", "correction", "complaint_then_lookup")[(self.index + number) % 3]
            self.interrupted = False
            finished = False
            try:
                filed = await self.complaint(correct=kind == "correction")
                finished = filed is not None and filed.expected
                if filed and kind == "complaint_then_lookup" and filed.number and filed.query_code:
                    self.conversation_done(finished)
                    finished = False
                    await self.pause()
                    finished = await self.lookup(filed)
            except (TurnTimeout, TimeoutError):
                self.results.errors["turn_timeout"] += 1
            except (
                httpx.HTTPError,
                aiohttp.ClientError,
                socketio.exceptions.SocketIOError,
            ) as error:
                self.results.errors[type(error).__name__] += 1
            self.conversation_done(finished)
            number += 1
            if time.monotonic() >= stop_at and (until is None or until.is_set()):
                return
            await self.pause()

    def conversation_done(self, finished: bool) -> None:
        if self.interrupted:
            self.results.interrupted += 1
            self.results.not_resumed += 0 if finished else 1
            self.interrupted = False

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
        await self.open(channel)
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
                    if filed is None:  # one complaint per conversation, however often read back
                        filed = Filed(channel.sender, district, street, phone, readback_ok=ok)
                        self.results.filed.append(filed)
                    else:
                        filed.district, filed.street, filed.phone = district, street, phone
                        filed.readback_ok = ok
                    kind, texts = await self.turn(channel, r.choice(CONFIRM))
                    continue
                if kind == "receipt":
                    receipt = "\n".join(texts)
                    number, code = CASE_NUMBER.search(receipt), QUERY_CODE.search(receipt)
                    if filed is not None and number and code:
                        filed.number, filed.query_code = number.group(0), code.group(1)
                        filed.outcome = "receipt"
                    return filed
                if kind == "queued":
                    if filed is not None:
                        filed.outcome = "queued"  # in the outbox; the case store check finds it
                        await self.ask_receipt(channel, filed)
                    return filed
                if kind == "ask_description":  # the opening said it already
                    self.results.state_lost += 1
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
            self.results.reconnects += getattr(channel, "reconnects", 0)
            await channel.close()

    async def ask_receipt(self, channel: Channel, filed: Filed, tries: int = 3) -> None:
        """ "查询" later in the same conversation, as the "queued" answer asks.

        Counts receipts_later (the receipt came), receipt_pending (still being
        registered after `tries`) and receipt_unknown (the bot did not know of
        the complaint and asked for a case number instead).
        """
        for _ in range(tries):
            _, texts = await self.turn(channel, "查询")
            said = "\n".join(texts)
            number, code = CASE_NUMBER.search(said), QUERY_CODE.search(said)
            if number and code:
                filed.number, filed.query_code = number.group(0), code.group(1)
                self.results.receipt_outcomes["receipts_later"] += 1
                return
            if not any(classify(t) == "pending" for t in texts):
                self.results.receipt_outcomes["receipt_unknown"] += 1
                return
        self.results.receipt_outcomes["receipt_pending"] += 1

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

    async def lookup(self, filed: Filed) -> bool:
        assert filed.number and filed.query_code
        channel = self.channel()
        await self.open(channel)
        self.results.conversations["lookup"] += 1
        self.results.lookups += 1
        try:
            opening = self.random.choice(LOOKUP_OPENERS).format(number=filed.number)
            kind, texts = await self.turn(channel, opening, first=True)
            if kind == "ask_query_code":
                kind, texts = await self.turn(channel, filed.query_code)
            if kind == "lookup_result" and filed.number in "\n".join(texts):
                self.results.lookups_ok += 1
                return True
            self.results.errors[f"lookup_{kind}"] += 1
            return False
        finally:
            self.results.late += getattr(channel, "late", 0)
            self.results.reconnects += getattr(channel, "reconnects", 0)
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
    filed: list[Filed],
    cases: list[dict[str, Any]],
    verbose: bool = False,
    senders: Optional[set[str]] = None,
) -> dict[str, int]:
    """Expected complaints found once each, with what was confirmed; duplicates.

    `senders`: every conversation of the run; a second case of any of them is a
    duplicate (also of a confirm whose answer was lost), and so is a case of
    another conversation with the same masked phone, place and summary.
    """
    by_conversation: dict[str, list[dict[str, Any]]] = {}
    for case in cases:
        by_conversation.setdefault(str(case.get("conversation_id")), []).append(case)
    found = mismatches = unanswered = unanswered_found = 0
    for item in filed:
        stored = by_conversation.get(item.sender, [])
        if not item.expected:
            unanswered += 1
            unanswered_found += 1 if stored else 0
            continue
        if not stored:
            if verbose:
                print(f"[{item.sender}] confirmed ({item.outcome}) but not stored", file=sys.stderr)
            continue
        found += 1
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
    ours = set(senders or ()) | {f.sender for f in filed}
    mine = [c for c in cases if str(c.get("conversation_id")) in ours]
    duplicates = sum(
        len(by_conversation[s]) - 1 for s in ours if len(by_conversation.get(s, [])) > 1
    )
    same_content: Counter[tuple[str, ...]] = Counter(
        (
            str((c.get("complainant") or {}).get("phone")),
            str(c.get("district")),
            str(c.get("street")),
            str(c.get("summary")),
        )
        for c in mine
        if (c.get("complainant") or {}).get("phone")
    )
    by_content = sum(n - 1 for n in same_content.values() if n > 1)
    if verbose and duplicates:
        for sender in sorted(ours):
            if len(by_conversation.get(sender, [])) > 1:
                numbers = [c.get("number") for c in by_conversation[sender]]
                print(f"[{sender}] {len(numbers)} cases: {numbers}", file=sys.stderr)
    return {
        "cases_found": found,
        "duplicates": duplicates,
        "duplicates_by_phone": by_content,
        "mismatches": mismatches,
        "confirm_unanswered": unanswered,
        "confirm_unanswered_found": unanswered_found,
    }


def order_matches(stored: list[tuple[str, bool]], sent: list[Sent]) -> bool:
    """The tracker's user messages are the ones sent, in order, each answered.

    A message sent k times (retried) may be stored 1..k times in a row (0..k if
    it never got an answer): an attempt may fail before or after Rasa logged it.
    Of its copies, the last must be answered by the bot before the next message.
    """
    # reachable[i] = the first i stored messages are explained by the messages so far
    reachable = {0}
    for record in sent:
        fewest = 0 if not record.answered else 1
        following: set[int] = set()
        for start in reachable:
            if fewest == 0:
                following.add(start)
            for copies in range(1, record.attempts + 1):
                end = start + copies
                if end > len(stored) or stored[end - 1][0] != record.text:
                    break
                if copies >= fewest and (stored[end - 1][1] or not record.answered):
                    following.add(end)
        reachable = following
        if not reachable:
            return False
    return len(stored) in reachable


async def check_order(args: argparse.Namespace, sent: dict[str, list[Sent]]) -> tuple[int, int]:
    """(conversations checked, violations): user messages in order, each answered first."""
    limit = asyncio.Semaphore(8)

    async def one(client: httpx.AsyncClient, sender: str, messages: list[Sent]) -> bool:
        async with limit:
            response = await client.get(
                f"{args.rasa_url}/conversations/{sender}/tracker",
                params={"token": args.rasa_token, "include_events": "ALL"},
            )
        if response.status_code != 200:
            return False
        stored: list[tuple[str, bool]] = []
        for event in response.json().get("events", []):
            if event.get("event") == "user":
                stored.append((str(event.get("text")), False))
            elif event.get("event") == "bot" and stored:
                stored[-1] = (stored[-1][0], True)
        ok = order_matches(stored, messages)
        if not ok and args.verbose:
            print(
                f"[{sender}] stored {stored}, sent {[(m.text, m.attempts) for m in messages]}",
                file=sys.stderr,
            )
        return ok

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


async def run(
    args: argparse.Namespace,
    results: Optional[Results] = None,
    until: Optional[asyncio.Event] = None,
) -> dict[str, Any]:
    """Plays the citizens, then checks cases and order; the figures as a dict.

    `results` collects the details (the fault drills read its attempts);
    with `until`, citizens keep starting conversations after --duration s
    until it is set.
    """
    since = datetime.now(UTC) - timedelta(seconds=5)
    results = results if results is not None else Results()
    limits = httpx.Limits(
        max_connections=args.users + 10, max_keepalive_connections=args.users + 10
    )
    async with httpx.AsyncClient(timeout=args.turn_timeout, limits=limits) as client:
        stop_at = time.monotonic() + args.duration
        citizens = [Citizen(i, args, results, client) for i in range(args.users)]
        await asyncio.gather(*(c.run(stop_at, until) for c in citizens))
    if CLOSING:  # a few seconds for goodbyes, then drop the rest (the server times them out)
        _, pending = await asyncio.wait(CLOSING, timeout=5)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        CLOSING.clear()
    wall = max(0.001, results.last_turn_at - results.first_turn_at)
    latencies = results.latencies["rest"] + results.latencies["socketio"]

    expected = sum(1 for f in results.filed if f.expected)
    senders = set(results.sent)
    deadline = time.monotonic() + args.settle
    while True:  # the outbox may still be delivering
        cases = await fetch_cases(args, since)
        checked = check_cases(results.filed, cases, senders=senders)
        if checked["cases_found"] >= expected or time.monotonic() > deadline:
            break
        await asyncio.sleep(2)
    if args.verbose:
        check_cases(results.filed, cases, verbose=True, senders=senders)
    conversations, violations = await check_order(args, results.sent)
    return {
        "users": args.users,
        "turns": len(latencies),
        "turns_per_s": round(len(latencies) / wall, 2),
        "p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "cases_expected": expected,
        "cases_found": checked["cases_found"],
        "duplicates": checked["duplicates"] + checked["duplicates_by_phone"],
        "mode": "closed-loop" if args.closed_loop else "pausing 3-10 s",
        "duration_s": round(wall, 1),
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "by_channel": {name: _figures(v) for name, v in results.latencies.items()},
        "conversations": dict(results.conversations),
        "lost": expected - checked["cases_found"],
        "duplicates_same_conversation": checked["duplicates"],
        "duplicates_by_phone": checked["duplicates_by_phone"],
        "mismatches": checked["mismatches"],
        "confirm_unanswered": checked["confirm_unanswered"],
        "confirm_unanswered_found": checked["confirm_unanswered_found"],
        "readback_wrong": sum(1 for f in results.filed if not f.readback_ok),
        "receipts": sum(1 for f in results.filed if f.outcome == "receipt"),
        "queued": sum(1 for f in results.filed if f.outcome == "queued"),
        "receipt_after_queued": dict(results.receipt_outcomes),
        "lookups": results.lookups,
        "lookups_ok": results.lookups_ok,
        "order_checked": conversations,
        "order_violations": violations,
        "late_messages": results.late,
        "failed_turns": results.failed_turns,
        "retries": results.retries,
        "retry_reasons": dict(results.retry_reasons),
        "given_up": results.given_up,
        "reconnects": results.reconnects,
        "interrupted": results.interrupted,
        "not_resumed": results.not_resumed,
        "state_lost": results.state_lost,
        "errors": dict(results.errors),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The load's options (shared with bench/fault_drills.py)."""
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
    parser.add_argument(
        "--reply-timeout",
        type=float,
        default=60.0,
        help="socket.io: no answer at all after this many s → send the message again",
    )
    parser.add_argument(
        "--retry-for",
        type=float,
        default=120.0,
        help="a failing turn is retried for this many s, then the citizen gives up",
    )
    parser.add_argument("--settle", type=float, default=30.0, help="wait for queued cases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
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
