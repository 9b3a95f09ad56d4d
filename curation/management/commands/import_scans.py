"""Attach a folder or ZIP of scans to documents by record ID (see curation/scan_import.py)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from curation.scan_import import UnsafeArchive, scans_attach


class Command(BaseCommand):
    help = "Attach scans named <record ID>.ext or <record ID>-<order>.ext from a folder or ZIP."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a folder or a .zip file")
        parser.add_argument(
            "--user", help="username recorded in history as the importer (default: none)"
        )

    def handle(self, *args, path: Path, user: str | None, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        importer = None
        if user:
            try:
                importer = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"No user named {user!r}.") from exc
        try:
            report = scans_attach(source=path, user=importer)
        except UnsafeArchive as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
