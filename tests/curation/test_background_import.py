"""A document file above DOSSIER_IMPORT_BACKGROUND_ROWS is checked and imported by the
task worker; the admin shows its progress, its report, and the confirm button."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from archive.models import Document, Topic
from curation.import_jobs import (
    _ProgressRecorder,
    import_job_interrupted,
    import_jobs_find_interrupted,
)
from curation.models import ImportJob
from tests import factories
from tests.curation.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]

IMPORT_URL = reverse("admin:archive_document_import")
GOOD = (
    "record_id,title,date,creators\n501,First,1950,Zhou Enlai\n502,Second,1951,\n503,Third,1952,\n"
)


@pytest.fixture(autouse=True)
def small_background_limit(settings):
    settings.DOSSIER_IMPORT_BACKGROUND_ROWS = 2


def upload(client, text: str, missing="report"):
    file = SimpleUploadedFile("batch.csv", text.encode(), content_type="text/csv")
    return client.post(
        IMPORT_URL, {"import_file": file, "format": "0", "resource": "0", "missing": missing}
    )


def job_url(job) -> str:
    return reverse("admin:archive_document_import_job", args=[job.pk])


def test_a_big_file_is_checked_then_imported_by_the_worker(task_worker, archivist):
    factories.AgentFactory(name="Zhou Enlai")
    client = client_for(archivist)

    response = upload(client, GOOD)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert job.state == ImportJob.State.QUEUED
    assert "waiting for the task worker" in client.get(job_url(job)).content.decode()
    assert DBTaskResult.objects.ready().count() == 1

    task_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
    assert (job.rows_done, job.rows_total, job.errors_so_far) == (3, 3, 0)
    assert Document.objects.count() == 0
    page = client.get(job_url(job)).content.decode()
    assert "3 rows: 3 created, 0 updated, 0 unchanged, 0 in error (nothing written)" in page
    assert "Confirm import" in page

    assert client.post(job_url(job)).status_code == 302
    task_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert sorted(Document.objects.values_list("record_id", flat=True)) == [501, 502, 503]
    first = Document.objects.get(record_id=501)
    assert first.creators.get().name == "Zhou Enlai"
    assert first.history.get().history_change_reason == "Imported from batch.csv"
    assert first.history.get().history_user == archivist
    assert not default_storage.exists(job.stored_file)
    assert "3 created" in client.get(job_url(job)).content.decode()


def test_a_small_file_is_still_previewed_in_the_request(task_worker, archivist):
    response = upload(client_for(archivist), "record_id,title\n7,Seven\n")

    assert response.status_code == 200
    assert "confirm_form" in response.context
    assert not ImportJob.objects.exists()


def test_every_bad_row_is_reported_and_nothing_can_be_confirmed(task_worker, archivist):
    client = client_for(archivist)
    upload(client, GOOD + "504,Fourth,May 30 65,\n505,Fifth,1953,Nobody Known\n")
    job = ImportJob.objects.get()

    task_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.REFUSED
    assert job.errors_so_far == 3  # Zhou Enlai is unknown here too
    assert [(row, column) for row, column, _ in job.report["errors"]] == [
        (2, "creators"),
        (5, "date"),
        (6, "creators"),
    ]
    page = client.get(job_url(job)).content.decode()
    assert "Nobody Known" in page and "Confirm import" not in page
    client.post(job_url(job))  # refused: not checked cleanly
    job.refresh_from_db()
    assert job.state == ImportJob.State.REFUSED
    assert Document.objects.count() == 0


def test_a_write_failing_midway_leaves_the_database_as_it_was(task_worker, editor):
    """The check passes; the publish of the second row fails its checks (no rights
    statement) after the documents and the new topic were written: all rolled back."""
    client = client_for(editor)
    text = (
        "record_id,title,date,summary,status,topics\n"
        "41,Draft one,1950,S,,Brand new topic\n"
        "42,Published one,1950,S,published,Brand new topic\n"
        "43,Draft two,1951,S,,\n"
    )
    file = SimpleUploadedFile("batch.csv", text.encode(), content_type="text/csv")
    client.post(
        IMPORT_URL, {"import_file": file, "format": "0", "resource": "0", "missing": "create"}
    )
    job = ImportJob.objects.get()
    task_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED

    client.post(job_url(job))
    task_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.REFUSED
    assert [(row, column) for row, column, _ in job.report["errors"]] == [(3, "status")]
    assert Document.objects.count() == 0
    assert not Topic.objects.filter(name="Brand new topic").exists()
    assert not Document.history.exists()


def test_progress_shows_rows_checked_and_errors_so_far(archivist, django_assert_num_queries):
    job = ImportJob.objects.create(
        user=archivist, file_name="big.csv", stored_file="x", state=ImportJob.State.CHECKING
    )
    client = client_for(archivist)

    _ProgressRecorder(job.pk)(500, 1200, 3)

    with django_assert_num_queries(5):  # session, user, permissions (2), the job
        page = client.get(job_url(job)).content.decode()
    assert "500 of 1200 rows checked, 3 errors so far." in page
    assert '<meta http-equiv="refresh"' in page


def test_only_the_importer_sees_the_job(archivist, editor):
    job = ImportJob.objects.create(user=archivist, file_name="big.csv", stored_file="x")

    assert client_for(editor).get(job_url(job)).status_code == 404
    assert client_for(archivist).get(job_url(job)).status_code == 200


def worker_process(tmp_path) -> subprocess.Popen:
    """`manage.py db_worker` in a process of its own, on the test database."""
    from django.conf import settings
    from django.db import connection

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DOSSIER_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DOSSIER_IMPORT_BACKGROUND_ROWS": "2",
        "DOSSIER_REINDEX_INLINE_LIMIT": "1000000",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_write_leaves_nothing_and_the_job_can_run_again(
    task_worker, archivist, tmp_path, monkeypatch
):
    from curation import import_jobs

    # The allowance between marking a job writing and its transaction taking the lock,
    # a minute in production, shortened so the test need not wait for it.
    monkeypatch.setattr(import_jobs, "WRITE_START_GRACE", timedelta(seconds=0.5))
    # Enough rows that the write is still running when the test looks, loaded machine or not.
    count = 20_000
    rows = "".join(f"{900000 + n},Cable {n},1960,{'A long summary. ' * 20}\n" for n in range(count))
    client = client_for(archivist)
    upload(client, "record_id,title,date,summary\n" + rows)
    job = ImportJob.objects.get()
    task_worker()  # the check, in this process
    client.post(job_url(job))  # confirmed: the write waits for a worker
    job.refresh_from_db()
    assert job.state == ImportJob.State.CONFIRMED

    worker = worker_process(tmp_path)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None:
            job.refresh_from_db()
            if job.state == ImportJob.State.WRITING and (
                timezone.now() - job.updated_at > timedelta(seconds=0.7)
            ):
                break
            time.sleep(0.05)
        assert job.state == ImportJob.State.WRITING, "the worker never wrote, or finished"
        # Past the allowance, a live write is told from a lost one by its lock.
        assert not import_job_interrupted(job)
        assert worker.poll() is None, "the write finished before it could be killed"
    finally:
        worker.kill()
        worker.wait()

    job.refresh_from_db()
    assert job.state == ImportJob.State.WRITING  # what the killed worker left
    assert Document.objects.count() == 0 and not Document.history.exists()
    page = client.get(job_url(job)).content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.INTERRUPTED
    assert "Nothing was imported: the database is as it was." in page
    assert '<meta http-equiv="refresh"' not in page
    lost = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert lost.exception_class_path == "curation.import_jobs.WorkerLost"

    client.post(job_url(job))  # "Run it again"
    task_worker()

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Document.objects.count() == count


def test_a_check_silent_for_minutes_is_interrupted_and_checked_again(task_worker, archivist):
    factories.AgentFactory(name="Zhou Enlai")
    client = client_for(archivist)
    upload(client, GOOD)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.CHECKING, updated_at=timezone.now() - timedelta(minutes=1)
    )
    assert import_jobs_find_interrupted() == []  # still within its silence allowance

    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=6))
    assert import_jobs_find_interrupted() == [job.pk]

    client.post(job_url(job))
    task_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED
