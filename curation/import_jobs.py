"""Document imports run by the task worker, for files above DOSSIER_IMPORT_BACKGROUND_ROWS.

The same service as in a request (`documents_import`) in two tasks: the check, whose
report waits for the archivist, then, once confirmed, the write (one transaction: a
failed or interrupted job writes nothing). While checking, the job row holds the rows
done and the errors so far, for the admin's progress page; the write pass cannot
publish progress, since it is invisible to other connections until it commits.

A worker killed mid-job (out of memory, a deploy, a lost machine) leaves its job
marked checking or writing. `import_jobs_find_interrupted` tells: a check publishes
progress every batch, so one silent for minutes has lost its worker; a write holds a
lock until it commits or rolls back (its job row's on PostgreSQL, the database's write
lock on SQLite), so a job marked writing whose lock is free has lost its worker. Such a
job is marked interrupted, with the database as it was, and can be run again.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DatabaseError, OperationalError, connection, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from curation.import_files import ImportFileRefused, open_import_file
from curation.imports import ImportOptions, ImportReport, documents_import
from curation.models import ImportJob

# What a job keeps of its report: enough to decide, not the whole of a 100k-row file.
REPORTED_ERRORS = 500
REPORTED_UPDATES = 200
# A check that published no progress for this long has lost its worker.
CHECK_SILENCE = timedelta(minutes=5)
# Between marking a job writing and taking its lock; never judged within it.
WRITE_START_GRACE = timedelta(minutes=1)


class ImportJobStateError(ValueError):
    """The job is not in a state that allows this step."""


def background_rows() -> int:
    return settings.DOSSIER_IMPORT_BACKGROUND_ROWS


def import_job_start(*, user, file_name: str, stored_file: str, create_missing: bool) -> ImportJob:
    """Queue the check of a file already in default storage."""
    job = ImportJob.objects.create(
        user=user, file_name=file_name, stored_file=stored_file, create_missing=create_missing
    )
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


def import_job_confirm(*, job: ImportJob, user) -> None:
    """Queue the write of a checked file that had no errors."""
    if job.state != ImportJob.State.CHECKED or job.user_id != user.pk:
        raise ImportJobStateError(_("This import cannot be confirmed now."))
    job.state = ImportJob.State.CONFIRMED
    job.save(update_fields=["state", "updated_at"])
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))


def import_job_retry(*, job: ImportJob, user) -> None:
    """Queue an interrupted job again: its write if it had been confirmed, else its check."""
    if job.state != ImportJob.State.INTERRUPTED or job.user_id != user.pk:
        raise ImportJobStateError(_("This import cannot be run again now."))
    if not default_storage.exists(job.stored_file):
        raise ImportJobStateError(_("The uploaded file is gone: upload it again."))
    job.state = ImportJob.State.CONFIRMED if job.fingerprint else ImportJob.State.QUEUED
    job.save(update_fields=["state", "updated_at"])
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))


class WorkerLost(RuntimeError):
    """Recorded on the task result of a job whose worker stopped mid-run."""


def import_jobs_find_interrupted() -> list[int]:
    """Mark every job whose worker stopped mid-run as interrupted; return their ids."""
    candidates = ImportJob.objects.filter(
        state__in=[ImportJob.State.CHECKING, ImportJob.State.WRITING]
    ).only("pk", "state", "updated_at")
    return [job.pk for job in candidates if import_job_interrupted(job)]


def import_job_interrupted(job: ImportJob) -> bool:
    """Whether `job` lost its worker mid-run; if so it is now marked interrupted."""
    now = timezone.now()
    if job.state == ImportJob.State.CHECKING and job.updated_at < now - CHECK_SILENCE:
        lost = bool(
            ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKING).update(
                state=ImportJob.State.INTERRUPTED, updated_at=now
            )
        )
    elif job.state == ImportJob.State.WRITING and job.updated_at < now - WRITE_START_GRACE:
        lost = _mark_if_unlocked(job.pk)
    else:
        return False
    if lost:
        _fail_lost_task(job.pk)
        job.state = ImportJob.State.INTERRUPTED
    return lost


def _mark_if_unlocked(job_id: int) -> bool:
    """Mark a writing job interrupted if no transaction holds its lock (see above)."""
    if connection.in_atomic_block:  # a savepoint takes no lock: nothing to learn here
        return False
    sqlite = connection.vendor == "sqlite"
    try:
        if sqlite:  # fail at once if a writer holds the lock, rather than wait for it
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 0")
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(nowait=True)
                .filter(pk=job_id, state=ImportJob.State.WRITING)
                .first()
            )
            if job is None:
                return False
            job.state = ImportJob.State.INTERRUPTED
            job.save(update_fields=["state", "updated_at"])
            return True
    except (OperationalError, DatabaseError):  # locked: the writer is alive
        return False
    finally:
        if sqlite:
            timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


def _fail_lost_task(job_id: int) -> None:
    """The lost worker's task result says running forever; record it as failed."""
    for result in DBTaskResult.objects.filter(
        task_path=run_import_job.module_path, status=TaskResultStatus.RUNNING
    ):
        if result.args_kwargs.get("args") == [job_id]:
            result.set_failed(WorkerLost(_("The worker stopped while running this import.")))


@task
def run_import_job(job_id: int) -> str:
    """The task: check or write a big spreadsheet import."""
    return import_job_run(job_id)


def import_job_run(job_id: int) -> str:
    """Run the job's next step (check or write); return its new state."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    writing = job.state == ImportJob.State.CONFIRMED
    if job.state not in (ImportJob.State.QUEUED, ImportJob.State.CONFIRMED):
        return job.state
    try:
        file = open_import_file(
            source=lambda: default_storage.open(job.stored_file, "rb"),
            size=default_storage.size(job.stored_file),
            name=job.file_name,
        )
    except (OSError, ImportFileRefused) as error:
        job.report = {"refused": str(error)}
        return _finish(job, ImportJob.State.REFUSED)
    # Marked just before the write's transaction begins (WRITE_START_GRACE covers the gap).
    job.state = ImportJob.State.WRITING if writing else ImportJob.State.CHECKING
    job.rows_done = job.errors_so_far = 0
    job.save(update_fields=["state", "rows_done", "errors_so_far", "updated_at"])
    options = ImportOptions(
        create_missing=job.create_missing,
        dry_run=not writing,
        expected=job.fingerprint if writing else "",
    )
    if not writing:
        report = documents_import(
            file=file, user=job.user, options=options, progress=_ProgressRecorder(job.pk)
        )
        return _record(job, report, writing=False)
    # The write and the job's new state commit together; the lock on the job row, held
    # until then, tells a live write from a lost one.
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now())
        report = documents_import(file=file, user=job.user, options=options)
        return _record(job, report, writing=True)


def _record(job: ImportJob, report: ImportReport, *, writing: bool) -> str:
    job.report = report_json(report)
    job.rows_total = job.rows_done = report.total
    job.errors_so_far = len(report.errors)
    if report.errors:
        return _finish(job, ImportJob.State.REFUSED)
    if not writing:
        job.fingerprint = report.fingerprint()
        return _finish(job, ImportJob.State.CHECKED)
    return _finish(job, ImportJob.State.DONE)


def _finish(job: ImportJob, state: str) -> str:
    job.state = state
    job.save()
    if state in (ImportJob.State.DONE, ImportJob.State.REFUSED):
        stored = job.stored_file
        transaction.on_commit(lambda: default_storage.delete(stored))
    return state


class _ProgressRecorder:
    """Writes rows done and errors so far to the job row, at most once a second."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.written_at = 0.0

    def __call__(self, done: int, total: int, errors: int = 0) -> None:
        now = time.monotonic()
        # Inside the import's transaction an update would show no one anything.
        if connection.in_atomic_block or (now - self.written_at < 1 and done < total):
            return
        self.written_at = now
        ImportJob.objects.filter(pk=self.job_id).update(
            rows_total=total, rows_done=done, errors_so_far=errors
        )


def report_json(report: ImportReport) -> dict:
    """The parts of a report the job page shows, as JSON."""
    updates = [o for o in report.rows if o.kind == "update"]
    return {
        "summary": report.summary(),
        "file_description": report.file_description,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [[e.row, e.column, e.message] for e in report.errors[:REPORTED_ERRORS]],
        "errors_total": len(report.errors),
        "new_authorities": report.new_authorities,
        "updates": [
            {"row": o.row, "record_id": o.record_id, "title": o.title, "diff": o.diff}
            for o in updates[:REPORTED_UPDATES]
        ],
        "updates_total": len(updates),
        "written": report.written,
    }
