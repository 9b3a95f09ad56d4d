"""The archive's background work, run by the task worker (docs/tasks.md): thin wrappers
around the services that do it, so the shell commands and first requests can still do
the same work directly."""

from django.tasks import task

from archive.iiif import tiles
from archive.search.index import reindex_documents


@task
def make_scan_derivatives(scan_id: int) -> bool:
    """IIIF tiles, sizes and info.json of an image scan; False if it is gone or unreadable."""
    from archive.models import Scan

    scan = Scan.objects.filter(pk=scan_id).first()
    return scan is not None and tiles.ensure_derivatives(scan=scan) is not None


@task
def reindex_documents_later(document_ids: list[int]) -> int:
    """Bring the search index rows of many documents up to date; return how many."""
    reindex_documents(document_ids)
    return len(document_ids)
