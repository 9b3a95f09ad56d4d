from django.core.management.base import BaseCommand

from archive.statistics import analyze


class Command(BaseCommand):
    help = (
        "Refresh the query planner's statistics (ANALYZE). Run after a bulk import or "
        "restore, and nightly on SQLite (docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        analyze(database)
        self.stdout.write("Statistics refreshed.")
