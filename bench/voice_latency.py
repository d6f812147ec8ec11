"""Voice gateway webhook latency over simulated calls, with and without the case store.

Usage:
  python bench/voice_latency.py --model var/models-test/xinfang-test.tar.gz   # own stack
  python bench/voice_latency.py --voice-url http://127.0.0.1:8080 [--voice-pid PID]

Each call is the call simulator (signed Twilio webhooks, TwiML followed) with a scripted
caller who files a noise complaint; every 5th caller hangs up in the middle of the complaint
(status callback -> dropped-call report to the case store). With its own stack the run is
repeated with the case store stopped (the gateway's handoff reports then fail and wait in
its retry list; the bot's own submissions go to the action server's outbox).

Prints one line per call and, last, one JSON object with the figures: webhook latency
p50/p95/max (ms) per run, and the gateway's peak RSS (VmHWM of its process).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency_stats import percentile  # noqa: E402
from launcher.stack import isolated_stack  # noqa: E402
from voice_gateway.settings import DEV_PUBLIC_BASE_URL, DEV_TWILIO_AUTH_TOKEN  # noqa: E402
from voice_gateway.simulate import CallTranscript, simulate_call  # noqa: E402

FIRST_WORDS = "我要投诉金水区花园路街道有个工地半夜施工太吵了"
ANSWERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("是否正确", "正确吗", "对吗", "确认", "核对", "无误"), "对"),
    (("电话", "手机", "号码", "联系方式"), "幺三八零零幺三八零零零"),
    (("姓名", "名字", "称呼"), "张三"),
    (("什么时候", "时间", "何时", "几点"), "昨天晚上十二点"),
    (("诉求", "希望", "要求", "想要", "处理"), "希望停止夜间施工"),
    (("地址", "位置", "哪里"), "花园路和农业路交叉口东北角的工地"),
)
CHOICE = re.compile(r"请说.+或按\d键")
FILED = re.compile(r"X F[，,\s]*[零幺一二三四五六七八九]")
MAX_TURNS = 14


class Caller:
    """Answers what the bot asks; `hang_up_after` turns, hangs up mid-complaint."""

    def __init__(self, hang_up_after: int | None = None) -> None:
        self.turns = 0
        self.hang_up_after = hang_up_after
        self.said_goodbye = False
        self.unmatched = 0

    def __call__(self, transcript: CallTranscript) -> str | None:
        self.turns += 1
        if self.turns == 1:
            return FIRST_WORDS
        if self.turns > MAX_TURNS or (self.hang_up_after and self.turns > self.hang_up_after):
            return None
        if FILED.search(transcript.bot_text):
            if self.said_goodbye:
                return None
            self.said_goodbye = True
            return "没有了，谢谢，再见"
        question = ""
        for line in reversed(transcript.lines):
            if line.speaker == "caller":
                break
            if line.speaker == "bot" and not CHOICE.search(line.text):
                question = line.text
                break
        if "再见" in question:
            return None
        for keywords, answer in ANSWERS:
            if any(k in question for k in keywords):
                return answer
        self.unmatched += 1
        return "对" if self.unmatched <= 2 else None


def run_calls(
    voice_url: str, public_url: str, token: str, calls: int, label: str, show: bool = False
) -> dict:
    latencies: list[float] = []
    filed = errors = 0
    started = time.perf_counter()
    for number in range(calls):
        caller = Caller(hang_up_after=3 if number % 5 == 4 else None)
        transcript = simulate_call(voice_url, token, public_url, caller, caller="+8613900139000")
        if show and number == 0:
            print(transcript, flush=True)
        latencies.extend(hook.seconds * 1000 for hook in transcript.webhooks)
        errors += sum(hook.status_code != 200 for hook in transcript.webhooks)
        got_case = bool(FILED.search(transcript.bot_text))
        filed += got_case
        worst = max(hook.seconds for hook in transcript.webhooks) * 1000
        print(
            f"[{label}] call {number + 1:2d}: {len(transcript.webhooks):2d} webhooks, "
            f"worst {worst:6.0f} ms, ended by {transcript.ended_by}, "
            f"case {'read back' if got_case else '-'}",
            flush=True,
        )
    return {
        "calls": calls,
        "webhooks": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "non_200": errors,
        "cases_read_back": filed,
        "seconds": round(time.perf_counter() - started, 1),
    }


def peak_rss_mb(pid: int | None) -> float | None:
    if not pid:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(match.group(1)) / 1024, 1) if match else None


def own_stack(model: str, calls: int, show: bool) -> dict[str, Any]:
    token = "bench-twilio-token"
    with tempfile.TemporaryDirectory() as work:
        system = isolated_stack(model, Path(work), {"TWILIO_AUTH_TOKEN": token})
        system.stack.start()
        try:
            system.stack.wait_healthy(timeout=300)
            voice = system.url("voice")
            process = system.stack.services["voice"].process
            pid = process.pid if process else None
            with_store = run_calls(voice, voice, token, calls, "case store up", show)
            system.stack.stop("casestore")
            without_store = run_calls(voice, voice, token, calls, "case store stopped", show)
            return {
                "with_casestore": with_store,
                "casestore_stopped": without_store,
                "gateway_peak_rss_mb": peak_rss_mb(pid),
            }
        finally:
            system.stack.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="start an isolated stack with this model")
    parser.add_argument("--voice-url", default="http://127.0.0.1:8080")
    parser.add_argument("--voice-pid", type=int, help="gateway process id, for its peak memory")
    parser.add_argument(
        "--public-base-url", default=os.environ.get("VOICE_PUBLIC_BASE_URL", DEV_PUBLIC_BASE_URL)
    )
    parser.add_argument(
        "--auth-token", default=os.environ.get("TWILIO_AUTH_TOKEN", DEV_TWILIO_AUTH_TOKEN)
    )
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--show", action="store_true", help="print the first call of each run")
    args = parser.parse_args()
    if args.model:
        result = own_stack(args.model, args.calls, args.show)
    else:
        result = {
            "with_casestore": run_calls(
                args.voice_url,
                args.public_base_url,
                args.auth_token,
                args.calls,
                "running",
                args.show,
            ),
            "casestore_stopped": None,  # only measured with --model (this script owns it)
            "gateway_peak_rss_mb": peak_rss_mb(args.voice_pid),
        }
    print(json.dumps(result, ensure_ascii=False))
    runs = [r for r in (result["with_casestore"], result["casestore_stopped"]) if r]
    return 0 if all(r["non_200"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
