"""Latency of one bot turn: 20 whole complaint conversations, sequential.

Usage:
  python bench/turn_latency.py --rasa-url http://127.0.0.1:5005     # against `make run`
  python bench/turn_latency.py --model var/models/xinfang.tar.gz     # starts its own stack

Prints one line per conversation and, last, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency_stats import percentile  # noqa: E402
from launcher.stack import isolated_stack  # noqa: E402

CONVERSATION = [
    "我要投诉，金水区花园路街道有个工地半夜还在施工，吵得睡不着",
    "昨天晚上十二点",
    "希望停止夜间施工",
    "我叫张三，电话13800138000",
    "对",
]


def run(rasa_url: str, conversations: int) -> dict:
    latencies: list[float] = []
    cases = 0
    with httpx.Client(timeout=60) as client:
        for number in range(conversations):
            sender = f"bench-{uuid.uuid4().hex[:10]}"
            started = time.perf_counter()
            reply = ""
            for message in CONVERSATION:
                t0 = time.perf_counter()
                response = client.post(
                    f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}
                )
                latencies.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
                reply = " ".join(m.get("text", "") for m in response.json())
            filed = "XF" in reply
            cases += filed
            print(
                f"conversation {number + 1:2d}: {(time.perf_counter() - started) * 1000:7.0f} ms, "
                f"case {'filed' if filed else 'NOT filed'}",
                flush=True,
            )
    return {
        "conversations": conversations,
        "turns": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "cases_filed": cases,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url", default=None)
    parser.add_argument("--model", default=None, help="start an isolated stack with this model")
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args()
    if args.model:
        with tempfile.TemporaryDirectory() as work:
            system = isolated_stack(args.model, Path(work))
            system.stack.start()
            try:
                system.stack.wait_healthy(timeout=300)
                result = run(system.url("rasa"), args.conversations)
            finally:
                system.stack.stop()
    else:
        result = run(args.rasa_url or "http://127.0.0.1:5005", args.conversations)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["cases_filed"] == result["conversations"] else 1


if __name__ == "__main__":
    sys.exit(main())
