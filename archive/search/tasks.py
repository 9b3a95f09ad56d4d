"""Reindexing of large changes by the task worker (docs/tasks.md)."""

from django.tasks import task

from archive.search.index import reindex_documents


@task
def reindex_documents_later(document_ids: list[int]) -> int:
    """Bring the search index rows of many documents up to date; return how many."""
    reindex_documents(document_ids)
    return len(document_ids)
