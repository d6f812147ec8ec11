"""Live takeover latency: staff message → citizen's chat, citizen message → console.

Runs tests/web/console_e2e.mjs (a real citizen page over socket.io and a real
staff console in Debian's Chromium) with many message rounds, and prints its
figures. Each latency is measured in the receiving page (MutationObserver,
same machine clock) from the moment the sender pressed 发送.

Usage:
  python bench/takeover_latency.py --url http://127.0.0.1:8000          # against `make run`
  python bench/takeover_latency.py --model var/models-test/xinfang-test.tar.gz --rounds 30

The last line is one JSON object (rounds, p50/p95/max each way).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from launcher.stack import ROOT, isolated_stack  # noqa: E402

SCRIPT = ROOT / "tests" / "web" / "console_e2e.mjs"


def run(url: str, rounds: int, screenshots: Path) -> dict:
    proc = subprocess.run(
        ["node", str(SCRIPT), url, "--rounds", str(rounds), "--screenshots", str(screenshots)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    result = json.loads(proc.stdout)
    if result.get("failures"):
        print(f"checks failed: {result['failures']} {result.get('error', '')}", file=sys.stderr)
    figures = {"rounds": rounds, "ok": not result.get("failures")}
    for key in ("staff_to_citizen_ms", "citizen_to_console_ms"):
        values = result.get(key) or []
        name = key.removesuffix("_ms")
        figures[f"{name}_p50_ms"] = result.get(f"{name}_p50_ms")
        figures[f"{name}_p95_ms"] = result.get(f"{name}_p95_ms")
        figures[f"{name}_max_ms"] = max(values) if values else None
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="case store URL of a running stack")
    parser.add_argument("--model", default=None, help="start an isolated stack with this model")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        shots = Path(work) / "screenshots"
        if args.model:
            system = isolated_stack(args.model, Path(work))
            system.stack.start()
            try:
                system.stack.wait_healthy(timeout=300)
                result = run(system.url("casestore"), args.rounds, shots)
            finally:
                system.stack.stop()
        else:
            result = run(args.url or "http://127.0.0.1:8000", args.rounds, shots)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
