"""Document imports run by the task worker, for files above DOSSIER_IMPORT_BACKGROUND_ROWS.

The same service as in a request (`documents_import`) in two tasks: the check, whose
report waits for the archivist, then, once confirmed, the write (one transaction: a
failed or interrupted job writes nothing). While checking, the job row holds the rows
done and the errors so far, for the admin's progress page; the write pass cannot
publish progress, since it is invisible to other connections until it commits.
"""

import time

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.tasks import task
from django.utils.translation import gettext as _

from curation.import_files import ImportFileRefused, open_import_file
from curation.imports import ImportOptions, ImportReport, documents_import
from curation.models import ImportJob

# What a job keeps of its report: enough to decide, not the whole of a 100k-row file.
REPORTED_ERRORS = 500
REPORTED_UPDATES = 200


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
    job.state = ImportJob.State.WRITING if writing else ImportJob.State.CHECKING
    job.rows_done = job.errors_so_far = 0
    job.save(update_fields=["state", "rows_done", "errors_so_far", "updated_at"])
    try:
        file = open_import_file(
            source=lambda: default_storage.open(job.stored_file, "rb"),
            size=default_storage.size(job.stored_file),
            name=job.file_name,
        )
    except (OSError, ImportFileRefused) as error:
        job.report = {"refused": str(error)}
        return _finish(job, ImportJob.State.REFUSED)
    report = documents_import(
        file=file,
        user=job.user,
        options=ImportOptions(
            create_missing=job.create_missing,
            dry_run=not writing,
            expected=job.fingerprint if writing else "",
        ),
        progress=_ProgressRecorder(job.pk),
    )
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
        default_storage.delete(job.stored_file)
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
