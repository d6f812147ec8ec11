"""Hostile input: the larger run of tests/hostile (issue 8).

    PYTHONPATH=. .venv/svc/bin/python bench/hostile_input.py [--examples 10] [--seed N]
        [--backend sqlite|postgresql|both] [--valid-cases 200] [--open311 100] [--forged 300]

Case store, in-process, on SQLite and (when reachable) PostgreSQL: schemathesis on every
operation of its OpenAPI document (``--examples`` valid and invalid requests per caller and
path id, as the service and as city/district/street staff), valid registrations with hostile
text, generated Open311 forms, then every accepted submission looked up again. Voice gateway:
``--forged`` webhooks with missing, random or re-used signatures (none may pass or reach Rasa).

Prints progress on stderr and, as the last line, one JSON object: requests tried, 5xx seen
(target 0), data lost (a valid submission accepted but not found afterwards; target 0).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import psycopg
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from pydantic import SecretStr

from tests.casestore.conftest import PG_ADMIN_URL, temporary_pg_database
from tests.hostile.casestore_fuzz import Tally, operations, run_all, running_store
from tests.voice_gateway.voice_support import (
    AUTH_TOKEN,
    LOCAL_BASE_URL,
    PUBLIC_BASE_URL,
    HangingServer,
    JsonServer,
    sign,
)
from voice_gateway.main import create_app as create_voice_app
from voice_gateway.settings import Settings as VoiceSettings

WEBHOOKS = [
    "/twilio/voice/incoming",
    "/twilio/voice/gather",
    "/twilio/voice/retry",
    "/twilio/voice/no-input",
    "/twilio/voice/dial-status",
    "/twilio/voice/whisper",
    "/twilio/voice/hold",
    "/twilio/voice/status",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def database(backend: str, directory: Path) -> Iterator[dict[str, Any]]:
    if backend == "sqlite":
        yield {}
        return
    with temporary_pg_database() as url:
        yield {"database_url": url}


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def casestore_run(backend: str, args: argparse.Namespace) -> Tally:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as overrides:
        with running_store(Path(tmp), **overrides) as target:
            log(f"[{backend}] {len(operations(target))} operations, {args.examples} examples each")
            tally = run_all(
                target,
                examples=args.examples,
                seed=args.seed,
                valid_cases=args.valid_cases,
                open311=args.open311,
            )
    log(
        f"[{backend}] {json.dumps(tally.summary())} in {time.monotonic() - started:.0f} s"
        + "".join(f"\n  5xx: {e[:300]}" for e in tally.server_errors[:20])
        + "".join(f"\n  timeout: {e[:300]}" for e in tally.timeouts[:20])
        + "".join(f"\n  lost: {e}" for e in tally.lost[:20])
    )
    return tally


def forged_webhooks(count: int, seed: int) -> dict[str, int]:
    """Unsigned, wrongly signed and re-used-signature webhooks: all 403, Rasa never called."""
    rasa, casestore = HangingServer(), JsonServer()
    result = {"requests": 0, "server_errors": 0, "forged_accepted": 0, "rasa_contacts": 0}
    try:
        settings = VoiceSettings(
            casestore_url=casestore.url,
            xf_env="development",
            twilio_auth_token=SecretStr(AUTH_TOKEN),
            voice_public_base_url=PUBLIC_BASE_URL,
            rasa_url=rasa.url,
            voice_reply_deadline_s=0.5,
            gazetteer_file=Path("no-gazetteer.json"),
        )
        with TestClient(create_voice_app(settings), base_url=LOCAL_BASE_URL) as client:
            field_names = st.sampled_from(
                ["CallSid", "From", "To", "SpeechResult", "Digits", "CallStatus", "QueueTime"]
            )

            @hypothesis.seed(seed)
            @hypothesis.settings(
                max_examples=count,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.given(
                path=st.sampled_from(WEBHOOKS),
                params=st.dictionaries(field_names, st.text(max_size=40), min_size=1),
                forgery=st.sampled_from(["none", "random", "other-params", "other-path"]),
                junk=st.text(min_size=1, max_size=30),
            )
            def send(path: str, params: dict[str, str], forgery: str, junk: str) -> None:
                if forgery == "none":
                    headers: dict[str, str] = {}
                elif forgery == "random":
                    headers = {"X-Twilio-Signature": junk.encode("utf-8", "replace").hex()}
                elif forgery == "other-params":
                    headers = sign(PUBLIC_BASE_URL + path, {**params, "Forged": junk})
                else:
                    headers = sign(PUBLIC_BASE_URL + path + "x", params)
                response = client.post(path, data=params, headers=headers)
                result["requests"] += 1
                result["server_errors"] += response.status_code >= 500
                result["forged_accepted"] += response.status_code != 403

            send()
        result["rasa_contacts"] = rasa.connections
    finally:
        rasa.close()
        casestore.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--valid-cases", type=int, default=200)
    parser.add_argument("--open311", type=int, default=100)
    parser.add_argument("--forged", type=int, default=300)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # refusals are expected here; errors still show

    started = time.monotonic()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not postgres_reachable():
        log(f"PostgreSQL unreachable at {PG_ADMIN_URL}: skipped")
        backends.remove("postgresql")
    per_backend = {backend: casestore_run(backend, args).summary() for backend in backends}
    forged = forged_webhooks(args.forged, args.seed)
    log(f"[voice gateway] {json.dumps(forged)}")

    def total(key: str) -> int:
        return sum(summary[key] for summary in per_backend.values())

    print(
        json.dumps(
            {
                "requests_tried": total("requests_tried") + forged["requests"],
                "server_errors_5xx": total("server_errors_5xx") + forged["server_errors"],
                "data_lost": total("data_lost"),
                "timeouts_30s": total("timeouts"),
                "submissions_checked": total("submissions_checked"),
                "forged_webhooks_accepted": forged["forged_accepted"],
                "forged_webhooks_reaching_rasa": forged["rasa_contacts"],
                "backends": per_backend,
                "seconds": round(time.monotonic() - started),
            }
        )
    )


if __name__ == "__main__":
    main()
