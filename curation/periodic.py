"""Periodic tasks on the database queue: each run queues the next one.

Django's tasks have no scheduler (cron's job); here a periodic task ends by queueing
itself to run again after its interval, unless a run is already waiting, so one run is
queued at any time however many workers there are. `manage.py worker` queues the first
run of each when it starts.
"""

from datetime import timedelta

from django import tasks
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from curation.services import documents_publish_scheduled

# How often scheduled publication looks for documents whose time has come.
PUBLISH_INTERVAL = timedelta(minutes=1)


def periodic_tasks() -> list:
    return [publish_scheduled_documents]


def schedule_next(task, *, after: timedelta) -> None:
    """Queue `task` to run `after` from now, unless a run is already waiting."""
    if not task.get_backend().supports_defer or _waiting(task):
        return
    task.using(run_after=timezone.now() + after).enqueue()


def ensure_periodic_tasks() -> list[str]:
    """Queue a run of each periodic task that has none waiting; return their names."""
    queued = []
    for task in periodic_tasks():
        if task.get_backend().supports_defer and not _waiting(task):
            task.enqueue()
            queued.append(task.name)
    return queued


def _waiting(task) -> bool:
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.READY
    ).exists()


@tasks.task
def publish_scheduled_documents() -> dict[str, list[int]]:
    """Publish what is due, then queue the next run (a periodic task: no cron needed)."""
    try:
        run = documents_publish_scheduled()
    finally:
        schedule_next(publish_scheduled_documents, after=PUBLISH_INTERVAL)
    return {
        "published": [d.record_id for d in run.published],
        "refused": [d.record_id for d in run.refused],
    }
