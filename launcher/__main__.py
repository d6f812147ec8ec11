"""`python -m launcher --model var/models/xinfang.tar.gz`: run everything."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from launcher.stack import Ports, Stack, default_services


def main() -> int:
    parser = argparse.ArgumentParser(description="Start the 智慧信访 assistant")
    parser.add_argument("--model", required=True)
    parser.add_argument("--endpoints", default="endpoints.yml")
    args = parser.parse_args()

    ports = Ports()
    stack = Stack(default_services(args.model, ports, args.endpoints))
    stopping = False

    def request_stop(signum, frame):  # type: ignore[no-untyped-def]
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stack.start()
    try:
        stack.wait_healthy(timeout=300)
    except (RuntimeError, TimeoutError) as error:
        print(f"\n启动失败 / start failed: {error}", file=sys.stderr)
        stack.stop()
        return 1
    print(
        "\n智慧信访 assistant is running:\n"
        f"  web chat (citizens)   http://127.0.0.1:{ports.casestore}/\n"
        f"  case store API docs   http://127.0.0.1:{ports.casestore}/docs\n"
        f"  Rasa server           http://127.0.0.1:{ports.rasa}/  (REST /webhooks/rest/webhook, socket.io)\n"
        f"  action server         http://127.0.0.1:{ports.actions}/health\n"
        f"  voice gateway         http://127.0.0.1:{ports.voice}/twilio/voice/incoming\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
    while not stopping:
        exited = stack.first_exited()
        if exited is not None:
            print(f"\n{exited.name} stopped unexpectedly; stopping everything.", file=sys.stderr)
            stack.stop()
            return 1
        time.sleep(0.5)
    print("\nStopping…", flush=True)
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
