"""The desk's background work, run by `manage.py db_worker` (docs/tasks.md).

Each task is a thin wrapper around a service, which does the same when called directly
(the shell commands, cron). Services are imported inside the tasks: `curation.services`
itself queues tasks (mail), so a module-level import would be circular.
"""

from datetime import timedelta

from django.core.mail import send_mail
from django.tasks import task

# How often scheduled publication looks for documents whose time has come.
PUBLISH_INTERVAL = timedelta(minutes=1)


@task
def run_import_job(job_id: int) -> str:
    """Check or write a big spreadsheet import (curation/import_jobs.py)."""
    from curation.import_jobs import import_job_run

    return import_job_run(job_id)


@task
def send_mail_later(*, subject: str, message: str, recipient_list: list[str]) -> int:
    """Send one message; a slow or failing mail server delays no request."""
    return send_mail(
        subject=subject, message=message, from_email=None, recipient_list=recipient_list
    )


@task
def publish_scheduled_documents() -> dict[str, list[int]]:
    """Publish what is due, then queue the next run (a periodic task: no cron needed)."""
    from curation.periodic import schedule_next
    from curation.services import documents_publish_scheduled

    try:
        run = documents_publish_scheduled()
    finally:
        schedule_next(publish_scheduled_documents, after=PUBLISH_INTERVAL)
    return {
        "published": [d.record_id for d in run.published],
        "refused": [d.record_id for d in run.refused],
    }
