"""`manage.py purge_import_files`: remove uploads never confirmed (run daily, e.g. by cron)."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

FOLDER = "django-import-export"  # where import_export.tmp_storages.MediaStorage writes


class Command(BaseCommand):
    help = "Delete import files waiting for confirmation for longer than --hours (24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours, **options):
        cutoff = timezone.now() - timedelta(hours=hours)
        removed = 0
        if default_storage.exists(FOLDER):
            for name in default_storage.listdir(FOLDER)[1]:
                path = f"{FOLDER}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
                    removed += 1
        self.stdout.write(f"Removed {removed} import file(s) older than {hours} hours.")
