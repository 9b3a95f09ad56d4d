"""Make the IIIF tiles of image scans that have none yet (scans saved before tiles were made
on save, or whose tiles were lost): `manage.py make_iiif_tiles [--published-only]`."""

from django.core.management.base import BaseCommand

from archive.iiif import tiles
from archive.models import Document, Scan


class Command(BaseCommand):
    help = "Generate the static IIIF level-0 tiles and info.json of image scans that lack them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--published-only", action="store_true", help="Only scans of published documents."
        )

    def handle(self, *args, published_only: bool = False, **options):
        scans = Scan.objects.filter(kind=Scan.Kind.IMAGE).order_by("pk")
        if published_only:
            scans = scans.filter(document__status=Document.Status.PUBLISHED)
        made = failed = 0
        for scan in scans.only("id", "kind", "file").iterator():
            if tiles.ensure_derivatives(scan=scan) is None:
                failed += 1
                self.stderr.write(f"scan {scan.pk}: no tiles (unreadable file)")
            else:
                made += 1
        self.stdout.write(f"{made} scan(s) have tiles; {failed} failed.")
