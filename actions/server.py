"""Entry point: the Rasa SDK action server plus the outbox retry loop.

Run with `python -m actions.server --port 5055`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from rasa_sdk.endpoint import create_app

from actions.casestore_client import CaseRejected, CaseStoreClient, CaseStoreUnavailable
from actions.outbox import Outbox
from actions.settings import get_settings
from zhtext import install_redaction

logger = logging.getLogger("actions.server")


async def deliver_pending(outbox: Outbox, client: CaseStoreClient) -> int:
    """Sends what the outbox still holds; returns how many were registered.

    Stops at the first unavailability (the case store is down: try later);
    a rejected submission stays in the outbox for staff to see and retry.
    """
    delivered = 0
    for key, payload in outbox.pending():
        try:
            receipt = await client.create_case(payload)
        except CaseStoreUnavailable as error:
            outbox.failed(key, str(error))
            break
        except CaseRejected as error:
            outbox.failed(key, str(error))
            continue
        outbox.delivered(key, receipt.as_dict())
        delivered += 1
    return delivered


async def retry_forever(interval_s: float) -> None:
    settings = get_settings()
    outbox = Outbox(settings.outbox_path)
    client = CaseStoreClient(settings)
    while True:
        try:
            count = await deliver_pending(outbox, client)
            if count:
                logger.info("outbox: registered %d queued complaint(s)", count)
        except Exception:  # the loop must survive anything and try again
            logger.exception("outbox retry failed")
        await asyncio.sleep(interval_s)


def main() -> None:
    parser = argparse.ArgumentParser(description="智慧信访 action server")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    install_redaction()
    settings = get_settings()
    app = create_app("actions", cors_origins=None)

    @app.listener("after_server_start")
    async def start_outbox(app, loop):  # type: ignore[no-untyped-def]
        app.add_task(retry_forever(settings.outbox_retry_s))

    app.run(args.host, args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
