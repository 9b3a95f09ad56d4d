"""Publish the documents whose scheduled time has come. The task worker does this every
minute (docs/tasks.md); without a worker, run it from cron, e.g. every minute:

* * * * *  cd /srv/dossier && .venv/bin/python manage.py publish_scheduled
"""

from django.core.management.base import BaseCommand

from curation.services import documents_publish_scheduled


class Command(BaseCommand):
    help = "Publish every document whose scheduled publication time has passed."

    def handle(self, *args, **options):
        run = documents_publish_scheduled()
        for document in run.published:
            self.stdout.write(f"published {document.record_id} {document}")
        for document, reason in run.refused.items():
            self.stderr.write(f"not published {document.record_id} {document}: {reason}")
        self.stdout.write(
            f"{len(run.published)} published, {len(run.refused)} refused (still scheduled)"
        )
