"""`manage.py import_records RESOURCE FILE`: any resource (documents, places, topics …)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curation.import_files import ImportFileRefused, read_import_file
from curation.management.commands._import_shell import ProgressBar, importing_user
from curation.resources import RESOURCES


class Command(BaseCommand):
    help = "Import one kind of record from a CSV, XLSX or JSON file; all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("resource", choices=sorted(RESOURCES))
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Username recorded in the history.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument("--create-missing", action="store_true", help="(documents only)")

    def handle(self, *args, resource, file, user, dry_run, create_missing, **options):
        if resource == "documents":
            from django.core.management import call_command

            extra = ["--dry-run"] * dry_run + ["--create-missing"] * create_missing
            return call_command("import_documents", file, "--user", user, *extra)
        importer = importing_user(user)
        try:
            with open(file, "rb") as handle:
                imported = read_import_file(data=handle.read(), name=file.rsplit("/", 1)[-1])
        except (OSError, ImportFileRefused) as error:
            raise CommandError(str(error)) from error
        bar = ProgressBar(self.stderr)
        bar(0, imported.dataset.height)
        with transaction.atomic():
            result = RESOURCES[resource]().import_data(
                imported.dataset,
                dry_run=dry_run,
                raise_errors=False,
                user=importer,
                file_name=imported.name,
            )
            failed = result.has_errors() or result.has_validation_errors()
            if failed or dry_run:
                transaction.set_rollback(True)
        bar(imported.dataset.height, imported.dataset.height)
        bar.finish()
        totals = result.totals
        self.stdout.write(
            f"{result.total_rows} rows: {totals['new']} created, {totals['update']} updated, "
            f"{totals['skip']} unchanged, {len(result.invalid_rows) + len(result.row_errors())} "
            "in error" + (" (nothing written)" if failed or dry_run else "")
        )
        for row in result.invalid_rows:
            for column, messages in row.error_dict.items():
                self.stdout.write(f"  error: row {row.number + 1}, {column}: {' '.join(messages)}")
        for number, errors in result.row_errors():
            for error in errors:
                self.stdout.write(f"  error: row {number + 1}: {error.error}")
        if failed:
            raise CommandError("Nothing was imported: fix the rows above and run again.")
