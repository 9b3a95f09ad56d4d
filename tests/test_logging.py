"""Log lines reach the console once, in development as in production.

Run in a fresh interpreter: the test session's own log capture would hide the
console handlers that a developer's terminal shows.
"""

import json
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


LOG_A_REQUEST = """
import django, logging
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
logging.getLogger("dossier.request").setLevel("INFO")
client = Client()
sent = client.get("/robots.txt", headers={"X-Request-ID": "proxy-given-id-123"})
made = client.get("/robots.txt", headers={"X-Request-ID": "bad id; drop table"})
print("IDS", sent["X-Request-ID"], made["X-Request-ID"])
"""


def test_json_log_lines_carry_the_request_id():
    """LOG_FORMAT=json: one JSON object a line, with the id the response also carries (a
    proxy's when it looks like one, else a new one)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_FORMAT": "json"}
    run = subprocess.run(
        [sys.executable, "-c", LOG_A_REQUEST],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    sent, made = run.stdout.split("IDS ")[1].split()
    assert sent == "proxy-given-id-123"
    assert made != "bad" and len(made) == 32
    lines = [json.loads(line) for line in run.stderr.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "dossier.request"]
    assert [line["request_id"] for line in requests] == [sent, made]
    assert requests[0]["path"] == "/robots.txt" and requests[0]["status"] == 200
