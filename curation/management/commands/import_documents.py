"""`manage.py import_documents FILE`: the admin's document import from the shell."""

import os

from django.core.management.base import BaseCommand, CommandError

from curation.import_files import ImportFileRefused, open_import_file
from curation.imports import ImportOptions, documents_import
from curation.management.commands._import_shell import ProgressBar, importing_user, print_report


class Command(BaseCommand):
    help = (
        "Import documents from a CSV, XLSX or JSON file (columns: docs/import-format.md). "
        "Every row is checked first; if any fails, nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Username recorded in the history.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create people, places, topics … the file names but the archive lacks "
            "(default: report them as errors).",
        )

    def handle(self, *args, file, user, dry_run, create_missing, **options):
        importer = importing_user(user)
        try:
            imported = open_import_file(
                source=lambda: open(file, "rb"),  # noqa: SIM115 (closed by the reader)
                size=os.path.getsize(file),
                name=os.path.basename(file),
            )
        except (OSError, ImportFileRefused) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{imported.name}: {imported.description}, {imported.height} rows")
        bar = ProgressBar(self.stderr)
        report = documents_import(
            file=imported,
            user=importer,
            options=ImportOptions(create_missing=create_missing, dry_run=dry_run),
            progress=bar,
        )
        bar.finish()
        print_report(self.stdout, report)
        if report.errors:
            raise CommandError("Nothing was imported: fix the rows above and run again.")
