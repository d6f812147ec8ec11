"""`python -m launcher --model var/models/xinfang.tar.gz`: run everything.

`--prod` starts the production shape instead (`launcher/prod.py`): several
Rasa servers and action servers behind nginx, on PostgreSQL, Redis and RabbitMQ.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from launcher.stack import ROOT, Ports, Stack, default_services


def main() -> int:
    parser = argparse.ArgumentParser(description="Start the 智慧信访 assistant")
    parser.add_argument("--model", required=True)
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument(
        "--prod", action="store_true", help="production shape: nginx, PostgreSQL, Redis, RabbitMQ"
    )
    parser.add_argument("--rasa-instances", type=int, default=2, help="with --prod")
    parser.add_argument("--action-instances", type=int, default=2, help="with --prod")
    parser.add_argument(
        "--listen",
        default="127.0.0.1",
        help="with --prod: address nginx and the voice gateway bind",
    )
    parser.add_argument(
        "--work-dir", default="var/prod", help="with --prod: nginx config, outboxes"
    )
    args = parser.parse_args()

    stopping = False

    def request_stop(signum, frame):  # type: ignore[no-untyped-def]
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    if args.prod:
        from launcher.prod import ProdPorts, busy_ports, prod_system

        prod_ports = ProdPorts.fixed(args.rasa_instances, args.action_instances)
        busy = busy_ports(prod_ports)
        if busy:
            print(f"启动失败 / ports already in use: {busy}", file=sys.stderr)
            return 1
        system = prod_system(args.model, ROOT / Path(args.work_dir), prod_ports, listen=args.listen)
        stack = system.stack
        try:
            system.start()
            system.wait_healthy(timeout=420)
        except (RuntimeError, TimeoutError, OSError) as error:
            print(f"\n启动失败 / start failed: {error}", file=sys.stderr)
            stack.stop()
            return 1
        backends = ", ".join(str(p) for p in prod_ports.rasa_backends)
        actions = ", ".join(str(p) for p in prod_ports.actions_backends)
        print(
            "\n智慧信访 assistant is running (production shape, nginx in front):\n"
            f"  web chat (citizens)   http://127.0.0.1:{prod_ports.casestore}/\n"
            f"  case store API docs   http://127.0.0.1:{prod_ports.casestore}/docs\n"
            f"  Rasa servers          http://127.0.0.1:{prod_ports.rasa}/  → {backends}\n"
            f"  action servers        http://127.0.0.1:{prod_ports.actions}/health  → {actions}\n"
            f"  voice gateway         http://127.0.0.1:{prod_ports.voice}/twilio/voice/incoming\n"
            f"  nginx config          {system.work_dir / 'nginx/nginx.conf'}\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
    else:
        ports = Ports()
        stack = Stack(default_services(args.model, ports, args.endpoints))
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
