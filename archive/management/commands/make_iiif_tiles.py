"""Make the IIIF tiles of scans that have none yet: image scans saved before tiles were made
on save (or whose tiles were lost), and the pages of PDF scans, which are otherwise rendered
on first request: `manage.py make_iiif_tiles [--published-only] [--images-only]`."""

from django.core.management.base import BaseCommand

from archive.iiif import tiles
from archive.models import Document, Scan


class Command(BaseCommand):
    help = "Generate the static IIIF level-0 tiles and info.json of scans that lack them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--published-only", action="store_true", help="Only scans of published documents."
        )
        parser.add_argument(
            "--images-only", action="store_true", help="Leave PDF pages to their first request."
        )

    def handle(self, *args, published_only: bool = False, images_only: bool = False, **options):
        scans = Scan.objects.order_by("pk")
        if images_only:
            scans = scans.filter(kind=Scan.Kind.IMAGE)
        if published_only:
            scans = scans.filter(document__status=Document.Status.PUBLISHED)
        made = failed = 0
        for scan in scans.only("id", "kind", "file", "file_size").iterator():
            if scan.is_image:
                pages = [None]
            else:
                try:
                    pages = range(1, len(tiles.pdf_page_sizes(scan)) + 1)
                except OSError:
                    pages = []
            results = [tiles.ensure_derivatives(scan=scan, page=page) for page in pages]
            if results and all(result is not None for result in results):
                made += 1
            else:
                failed += 1
                self.stderr.write(f"scan {scan.pk}: no tiles for some page (unreadable file)")
        self.stdout.write(f"{made} scan(s) have tiles; {failed} failed.")
