"""/healthz reports each component, and each one down when it is (for real: a closed
port, a database that cannot be reached, media storage that cannot be written)."""

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

REPO_ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def statuses(response) -> dict[str, str]:
    return {name: c["status"] for name, c in response.json()["components"].items()}


def test_all_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert statuses(response) == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "queue": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


def test_cache_down(client, settings):
    backend = "django.core.cache.backends.redis.RedisCache"
    location = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert statuses(response)["cache"] == "down"
    assert statuses(response)["database"] == "ok"


def test_storage_down(client, settings, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("media cannot live under a file")
    settings.MEDIA_ROOT = not_a_folder
    response = client.get("/healthz")
    assert response.status_code == 503
    assert statuses(response)["storage"] == "down"
    assert "NotADirectoryError" not in response.text  # causes go to the log only


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection
def test_queue_down_when_no_worker_takes_its_work(client, settings, task_worker):
    """On the database queue, a task left waiting past the limit means no worker runs."""
    from django_tasks_db.models import DBTaskResult

    from config.health import QUEUE_STALLED
    from curation.tasks import send_mail_later

    result = send_mail_later.enqueue(subject="s", message="m", recipient_list=["a@example.org"])
    assert statuses(client.get("/healthz"))["queue"] == "ok"  # just queued: not yet late
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - QUEUE_STALLED - timedelta(minutes=1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert statuses(response)["queue"] == "down"
    task_worker()  # a worker takes it: the queue is healthy again
    assert statuses(client.get("/healthz"))["queue"] == "ok"


def test_a_plugged_in_check_down(client, settings):
    settings.DOSSIER_HEALTH_CHECKS = {"mirror": "tests.test_healthz.mirror_unreachable"}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert statuses(response)["mirror"] == "down"


def mirror_unreachable() -> None:
    with socket.create_connection(("127.0.0.1", closed_port()), timeout=1):
        pass


HEALTH = """
import django, json
django.setup()
from config.health import report
print(json.dumps(report()))
"""


def test_database_down():
    """A server whose database cannot be reached (PostgreSQL on a closed port)."""
    env = {**os.environ, "DATABASE_URL": f"postgres://nobody@127.0.0.1:{closed_port()}/none"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    run = subprocess.run(
        [sys.executable, "-c", HEALTH],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["status"] == "down"
    assert result["components"]["database"]["status"] == "down"
    assert result["components"]["cache"]["status"] == "ok"
