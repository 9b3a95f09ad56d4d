"""`manage.py check --deploy` on production settings, read from the environment as a
deployment reads them, finds nothing to warn about."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# Anything the test run itself sets that a deployment would set differently.
DEPLOYMENT_VARIABLES = ("DJANGO_", "DEBUG", "SECURE_", "SECRET_KEY", "ALLOWED_HOSTS", "AXES_")


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(DEPLOYMENT_VARIABLES)}
    env |= {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",  # never reached: the checks do not connect
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("preload", ["false", "true"])
def test_check_deploy_prints_no_warning_on_production_settings(preload):
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD=preload)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output


def test_check_deploy_warns_when_each_worker_would_keep_its_own_cache():
    result = manage("check", "--deploy", "--fail-level", "WARNING", REDIS_URL="")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "archive.W001" in output and "REDIS_URL" in output, output


def test_development_keeps_the_local_memory_cache_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", REDIS_URL="", DEBUG="true")
    assert "archive.W001" not in result.stdout + result.stderr


def test_opting_in_to_preload_sends_the_max_age_the_preload_list_requires():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_PRELOAD, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_SECONDS)",
        SECURE_HSTS_PRELOAD="true",
    )
    assert result.returncode == 0, result.stderr
    preload, subdomains, seconds = result.stdout.split()[-3:]
    assert preload == subdomains == "True"
    assert int(seconds) >= 365 * 24 * 60 * 60
