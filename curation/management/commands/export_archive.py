"""Write the whole archive to one portable ZIP or folder (docs/archive-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.archive_export import ArchiveError, archive_export


class Command(BaseCommand):
    help = "Export every record, relation, history entry and scan file to OUT (.zip or folder)."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="a new .zip file, or a new or empty folder")
        parser.add_argument("--database", default="default")

    def handle(self, *args, out: Path, database: str, **options):
        try:
            manifest = archive_export(out=out, using=database)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Exported {rows} rows, {manifest['users']} users and {len(manifest['files'])} "
            f"files to {out}."
        )
        for name in manifest["missing_files"]:
            self.stderr.write(f"missing from media storage, not exported: {name}")
