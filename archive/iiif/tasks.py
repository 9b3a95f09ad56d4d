"""The IIIF derivatives of an image scan, made by the task worker (docs/tasks.md) after
the upload commits, so the archivist's save does not wait for them."""

from django.tasks import task

from archive.iiif import tiles


@task
def make_scan_derivatives(scan_id: int) -> bool:
    """IIIF tiles, sizes and info.json of an image scan; False if it is gone or unreadable."""
    from archive.models import Scan

    scan = Scan.objects.filter(pk=scan_id).first()
    return scan is not None and tiles.ensure_derivatives(scan=scan) is not None
