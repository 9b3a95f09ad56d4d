import time

from django.core.management.base import BaseCommand
from django.db import transaction

from archive.search.index import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the records (published documents only)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        with transaction.atomic():
            indexed = rebuild_index()
        seconds = time.perf_counter() - started
        self.stdout.write(f"Indexed {indexed} published documents in {seconds:.1f} s.")
