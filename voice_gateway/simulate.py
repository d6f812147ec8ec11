"""A phone call without a phone: behaves like Twilio toward the voice gateway.

    python -m voice_gateway.simulate                      # type what the caller says
    python -m voice_gateway.simulate --script call.txt    # one utterance per line

In a script (or at the prompt) a line "<silence>" is a caller who says nothing, "#1" presses
key 1 ("#13800138000" types a number). Webhooks are form-encoded, signed like Twilio signs
them (X-Twilio-Signature over the public URL), and the TwiML answer is followed: <Say> is
printed, <Gather> takes the next utterance and posts it to its action URL, <Redirect> is
followed, <Hangup/> or the end of the document ends the call, then a status callback is sent.
<Dial> prints "（转接人工：…）", plays the whisper to the "staff member" when one answers, and
posts the Dial action with the DialCallStatus chosen by --dial-status (default no-answer);
<Enqueue> plays the hold message once, then posts its action with QueueResult "bridged"
(--dial-status completed) or "leave" (after the waitUrl answered <Leave/>).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx
from twilio.request_validator import RequestValidator

from voice_gateway.settings import DEV_PUBLIC_BASE_URL, DEV_TWILIO_AUTH_TOKEN

ENTRY_PATH = "/twilio/voice/incoming"
STATUS_PATH = "/twilio/voice/status"
SILENCE = "<silence>"
TWILIO_WEBHOOK_TIMEOUT_S = 15.0

Speaker = Literal["bot", "caller", "system"]


@dataclass(frozen=True)
class TranscriptLine:
    speaker: Speaker
    text: str


@dataclass(frozen=True)
class Webhook:
    url: str
    status_code: int
    seconds: float


@dataclass
class CallTranscript:
    call_sid: str
    lines: list[TranscriptLine] = field(default_factory=list)
    webhooks: list[Webhook] = field(default_factory=list)
    # "bot" (<Hangup/>), "end" (document ended), "caller" (script ran out), "error"
    ended_by: str = ""

    @property
    def bot_sentences(self) -> list[str]:
        return [line.text for line in self.lines if line.speaker == "bot"]

    @property
    def bot_text(self) -> str:
        return "".join(self.bot_sentences)

    def __str__(self) -> str:
        names = {"bot": "机器人", "caller": "来电人", "system": "系统"}
        return "\n".join(f"{names[line.speaker]}：{line.text}" for line in self.lines)


# What the caller says next, given the call so far; None hangs up.
Responder = Callable[[CallTranscript], str | None]


def _responder(utterances: Iterable[str] | Responder) -> Responder:
    if callable(utterances):
        return utterances
    queue: Iterator[str] = iter(utterances)
    return lambda _transcript: next(queue, None)


class _Twilio:
    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        public_base_url: str,
        auth_token: str,
        call_params: dict[str, str],
        transcript: CallTranscript,
        on_line: Callable[[TranscriptLine], None] | None,
    ) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._public = public_base_url.rstrip("/")
        self._validator = RequestValidator(auth_token)
        self._call = call_params
        self.transcript = transcript
        self._on_line = on_line

    @property
    def call_sid(self) -> str:
        return self._call["CallSid"]

    def say(self, speaker: Speaker, text: str) -> None:
        line = TranscriptLine(speaker, text)
        self.transcript.lines.append(line)
        if self._on_line:
            self._on_line(line)

    def sign(self, public_url: str, params: dict[str, str]) -> dict[str, str]:
        return {"X-Twilio-Signature": self._validator.compute_signature(public_url, params)}

    def status_callback(self, public_url: str, status: str) -> None:
        """Twilio's call status callback; its answer does not matter to the call."""
        params = {**self._call, "CallStatus": status, "CallDuration": "60"}
        try:
            self._http.post(
                self._local(public_url),
                data=params,
                headers=self.sign(public_url, params),
            )
        except httpx.HTTPError:
            pass

    def post(self, public_url: str, extra: dict[str, str]) -> ET.Element | None:
        """Sign and send one webhook; the parsed <Response>, or None when Twilio would fail."""
        params = {**self._call, **extra}
        started = time.monotonic()
        try:
            response = self._http.post(
                self._local(public_url),
                data=params,
                headers=self.sign(public_url, params),
            )
        except httpx.TimeoutException:
            self.say("system", f"网关超过{TWILIO_WEBHOOK_TIMEOUT_S:g}秒未应答，通话中断")
            self.transcript.webhooks.append(Webhook(public_url, 0, time.monotonic() - started))
            return None
        seconds = time.monotonic() - started
        self.transcript.webhooks.append(Webhook(public_url, response.status_code, seconds))
        if response.status_code != 200:
            self.say("system", f"应用错误：HTTP {response.status_code}，通话中断")
            return None
        try:
            return ET.fromstring(response.content)
        except ET.ParseError:
            self.say("system", "应答不是有效的 TwiML，通话中断")
            return None

    def _local(self, public_url: str) -> str:
        if public_url.startswith(self._public):
            return self._base_url + public_url[len(self._public) :]
        parts = urlsplit(public_url)
        return self._base_url + parts.path + (f"?{parts.query}" if parts.query else "")


ANSWERED_STATUSES = ("completed", "answered")


def _play_nested_says(twilio: _Twilio, document: ET.Element | None, speaker: Speaker) -> bool:
    """Print a side document's <Say>s (whisper, hold); True if it asked to <Leave/>."""
    if document is None:
        return False
    for verb in document:
        if verb.tag == "Say":
            twilio.say(speaker, (verb.text or "").strip())
    return document.find("Leave") is not None


def _dial(
    twilio: _Twilio, verb: ET.Element, url: str, dial_status: str
) -> tuple[str, dict[str, str]] | str:
    targets = [child for child in verb if child.tag in ("Number", "Sip", "Client", "Queue")]
    who = "、".join((t.text or "").strip() for t in targets) or (verb.text or "").strip()
    twilio.say("system", f"（转接人工：{who or '人工坐席'}）")
    answered = dial_status in ANSWERED_STATUSES
    if answered:
        for target in targets:
            whisper = target.get("url")
            if whisper:
                staff_leg = {
                    "CallSid": "CA" + uuid.uuid4().hex,
                    "ParentCallSid": twilio.call_sid,
                    "CallStatus": "in-progress",
                    "Direction": "outbound-dial",
                }
                document = twilio.post(urljoin(url, whisper), staff_leg)
                twilio.say("system", "（工作人员接听，先听到：）")
                _play_nested_says(twilio, document, "system")
        twilio.say("system", "（来电人与工作人员通话，通话结束）")
    else:
        twilio.say("system", f"（无人接听：{dial_status}）")
    action = verb.get("action")
    if not action:
        return "bot" if answered else "end"
    return urljoin(url, action), {"DialCallStatus": dial_status, "DialCallDuration": "0"}


def _enqueue(
    twilio: _Twilio, verb: ET.Element, url: str, dial_status: str
) -> tuple[str, dict[str, str]] | str:
    twilio.say("system", f"（转接人工：排队 {(verb.text or '').strip()}）")
    wait_url = verb.get("waitUrl")
    result = "bridged" if dial_status in ANSWERED_STATUSES else "leave"
    if wait_url:
        wait_url = urljoin(url, wait_url)
        _play_nested_says(twilio, twilio.post(wait_url, {"QueueTime": "0"}), "bot")
        if result == "leave":
            # Nobody picks the caller up: Twilio keeps requesting waitUrl until it says <Leave/>.
            left = _play_nested_says(twilio, twilio.post(wait_url, {"QueueTime": "86400"}), "bot")
            if not left:
                twilio.say("system", "（排队等待未结束，模拟器挂断）")
                return "caller"
    if result == "bridged":
        twilio.say("system", "（来电人与工作人员通话，通话结束）")
    action = verb.get("action")
    if not action:
        return "bot" if result == "bridged" else "end"
    return urljoin(url, action), {"QueueResult": result, "QueueTime": "30"}


def _run_document(
    twilio: _Twilio,
    document: ET.Element,
    url: str,
    respond: Responder,
    dial_status: str = "no-answer",
) -> tuple[str, dict[str, str]] | str:
    """Execute one TwiML document: the next (url, params) to request, or how the call ended."""
    for verb in document:
        if verb.tag == "Say":
            twilio.say("bot", (verb.text or "").strip())
        elif verb.tag == "Gather":
            for nested in verb:
                if nested.tag == "Say":
                    twilio.say("bot", (nested.text or "").strip())
            utterance = respond(twilio.transcript)
            if utterance is None:
                twilio.say("system", "来电人挂断")
                return "caller"
            utterance = utterance.strip()
            action = urljoin(url, verb.get("action") or url)
            if utterance.startswith("#") and utterance[1:].strip():
                twilio.say("caller", f"（按键 {utterance[1:].strip()}）")
                return action, {"Digits": utterance[1:].strip()}
            if utterance and utterance != SILENCE:
                twilio.say("caller", utterance)
                return action, {"SpeechResult": utterance, "Confidence": "0.92"}
            twilio.say("system", "（没有说话）")
        elif verb.tag == "Redirect":
            return urljoin(url, (verb.text or "").strip()), {}
        elif verb.tag == "Hangup":
            return "bot"
        elif verb.tag == "Dial":
            return _dial(twilio, verb, url, dial_status)
        elif verb.tag == "Enqueue":
            return _enqueue(twilio, verb, url, dial_status)
    return "end"


def simulate_call(
    base_url: str,
    auth_token: str,
    public_base_url: str,
    utterances: Iterable[str] | Responder,
    *,
    caller: str = "+8613800000000",
    called: str = "+8637112345000",
    client: httpx.Client | None = None,
    on_line: Callable[[TranscriptLine], None] | None = None,
    max_webhooks: int = 100,
    dial_status: str = "no-answer",
) -> CallTranscript:
    """Place one call against the gateway at base_url and return what was said.

    `public_base_url` is the URL Twilio believes it calls (VOICE_PUBLIC_BASE_URL of the
    gateway); signatures are computed over it. `client` may be a FastAPI TestClient.
    `dial_status` is what a <Dial> to staff ends with (no-answer, busy, failed, completed).
    """
    call_sid = "CA" + uuid.uuid4().hex
    transcript = CallTranscript(call_sid=call_sid)
    call_params = {
        "AccountSid": "AC" + "0" * 32,
        "CallSid": call_sid,
        "From": caller,
        "To": called,
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }
    respond = _responder(utterances)
    http = client or httpx.Client(trust_env=False, timeout=TWILIO_WEBHOOK_TIMEOUT_S)
    try:
        twilio = _Twilio(
            http,
            base_url,
            public_base_url,
            auth_token,
            call_params,
            transcript,
            on_line,
        )
        url = public_base_url.rstrip("/") + ENTRY_PATH
        extra: dict[str, str] = {"CallStatus": "ringing"}
        for _ in range(max_webhooks):
            document = twilio.post(url, extra)
            if document is None:
                transcript.ended_by = "error"
                break
            step = _run_document(twilio, document, url, respond, dial_status)
            if isinstance(step, str):
                transcript.ended_by = step
                break
            url, extra = step[0], {"CallStatus": "in-progress", **step[1]}
        else:
            twilio.say("system", f"超过{max_webhooks}次请求，模拟器挂断")
            transcript.ended_by = "error"
        twilio.status_callback(public_base_url.rstrip("/") + STATUS_PATH, "completed")
    finally:
        if client is None:
            http.close()
    return transcript


def _keyboard(_transcript: CallTranscript) -> str | None:
    try:
        return input("来电人> ")
    except EOFError:
        return None


def _script(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Simulate a Twilio call to the voice gateway.")
    parser.add_argument(
        "--base-url", default="http://127.0.0.1:8080", help="where the gateway listens"
    )
    parser.add_argument(
        "--public-base-url",
        default=os.environ.get("VOICE_PUBLIC_BASE_URL", DEV_PUBLIC_BASE_URL),
        help="VOICE_PUBLIC_BASE_URL of the gateway (signatures are computed over it)",
    )
    parser.add_argument(
        "--auth-token",
        default=os.environ.get("TWILIO_AUTH_TOKEN", DEV_TWILIO_AUTH_TOKEN),
        help="TWILIO_AUTH_TOKEN of the gateway",
    )
    parser.add_argument("--script", type=Path, help="file with one utterance per line")
    parser.add_argument("--from", dest="caller", default="+8613800000000", help="calling number")
    parser.add_argument(
        "--dial-status",
        default="no-answer",
        choices=["no-answer", "busy", "failed", "canceled", "completed"],
        help="how a transfer to staff ends (completed = staff answered)",
    )
    args = parser.parse_args(argv)

    utterances: Iterable[str] | Responder = _script(args.script) if args.script else _keyboard
    names = {"bot": "机器人", "caller": "来电人", "system": "系统"}

    def show(line: TranscriptLine) -> None:
        if line.speaker != "caller" or args.script:
            print(f"{names[line.speaker]}：{line.text}", flush=True)

    transcript = simulate_call(
        args.base_url,
        args.auth_token,
        args.public_base_url,
        utterances,
        caller=args.caller,
        on_line=show,
        dial_status=args.dial_status,
    )
    print(f"（通话结束：{transcript.ended_by}）")
    return 1 if transcript.ended_by == "error" else 0


if __name__ == "__main__":
    sys.exit(main())
