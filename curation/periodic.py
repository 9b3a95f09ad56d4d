"""Periodic tasks on the database queue: each run queues the next one.

Django's tasks have no scheduler (cron's job); here a periodic task ends by queueing
itself to run again after its interval, unless a run is already waiting, so one run is
queued at any time however many workers there are. `manage.py worker` queues the first
run of each when it starts.
"""

from datetime import timedelta

from django import tasks
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from curation.import_jobs import import_jobs_find_interrupted
from curation.services import documents_publish_scheduled

# How often scheduled publication looks for documents whose time has come.
PUBLISH_INTERVAL = timedelta(minutes=1)
# How often the queue is tidied, and how long finished task results are kept: a day for
# the successful (the periodic tasks alone leave 1,440 a day), two weeks for failures,
# which someone may want to read.
TIDY_INTERVAL = timedelta(hours=1)
KEEP_SUCCESSFUL_DAYS = 1
KEEP_FAILED_DAYS = 14


def periodic_tasks() -> list:
    return [publish_scheduled_documents, tidy_task_queue]


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


@tasks.task
def tidy_task_queue() -> dict[str, list[int]]:
    """Mark imports whose worker was lost as interrupted, delete old finished task
    results (django-tasks-db's own prune command), then queue the next run."""
    try:
        interrupted = import_jobs_find_interrupted()
        if isinstance(tidy_task_queue.get_backend(), DatabaseBackend):
            call_command(
                "prune_db_task_results",
                queue_name="*",
                min_age_days=KEEP_SUCCESSFUL_DAYS,
                failed_min_age_days=KEEP_FAILED_DAYS,
                verbosity=0,
            )
    finally:
        schedule_next(tidy_task_queue, after=TIDY_INTERVAL)
    return {"interrupted_imports": interrupted}
