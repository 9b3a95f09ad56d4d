"""Log lines reach the console once, in development as in production.

Run in a fresh interpreter: the test session's own log capture would hide the
console handlers that a developer's terminal shows.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
LOG_A_REQUEST_WARNING = """
import django, logging
django.setup()
logging.getLogger("django.request").warning("Not Found: /probe/")
logging.getLogger("archive").info("archive probe")
"""


@pytest.mark.parametrize("debug", ["1", "0"], ids=["debug", "no-debug"])
def test_a_django_log_line_is_printed_once(debug):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": debug}
    env.pop("DJANGO_ENV", None)

    run = subprocess.run(
        [sys.executable, "-c", LOG_A_REQUEST_WARNING],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert run.stderr.count("Not Found: /probe/") == 1
    assert run.stderr.count("archive probe") == 1
