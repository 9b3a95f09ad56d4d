"""Scheduled publication as a Django task, for sites that run a task worker.

Cron with `manage.py publish_scheduled` does the same without one; either way
the work is `documents_publish_scheduled`.
"""

from django.tasks import task

from curation.services import documents_publish_scheduled


@task
def publish_scheduled_documents() -> dict[str, list[int]]:
    """Publish what is due; return the record IDs published and refused."""
    run = documents_publish_scheduled()
    return {
        "published": [d.record_id for d in run.published],
        "refused": [d.record_id for d in run.refused],
    }
