"""`rasa data validate` is clean on the training data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_rasa_data_validate_is_clean() -> None:
    rasa = Path(sys.executable).parent / "rasa"
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    result = subprocess.run(
        [
            str(rasa),
            "data",
            "validate",
            "--fail-on-warnings",
            "--data",
            "nlu_data",
            "var/nlu_generated",
            "--domain",
            "domain.yml",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
