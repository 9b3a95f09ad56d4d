"""Restore an export_archive archive into an empty database (docs/archive-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.archive_export import ArchiveError, archive_restore


class Command(BaseCommand):
    help = "Restore an archive written by export_archive into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="the .zip file or folder to restore")
        parser.add_argument("--database", default="default")

    def handle(self, *args, source: Path, database: str, **options):
        if not source.exists():
            raise CommandError(f"{source} does not exist.")
        try:
            report = archive_restore(source=source, using=database)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {sum(report.rows.values())} rows and {report.files} files; "
            f"{report.indexed} documents indexed for search."
        )
        if report.users_created:
            self.stdout.write(
                "Created as inactive accounts without a password (named in history): "
                + ", ".join(report.users_created)
            )
