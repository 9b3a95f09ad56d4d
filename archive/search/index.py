"""What goes into the search index, and keeping it current.

Per published document the index holds:

* title (weight A), summary (B), body (C): the transcripts in their languages and
  the *approved* text of each translation (never a draft body), and names (D):
  creators, recipients, places, topics, approved translators, repository and archival
  reference, with the variant names of people, places and repositories ("Peking");
* facet keys ("to12", "pl3" …, see ``facets.FACETS``) for filtering and counting;
  a place's key is written for it and every place it is inside, so filtering by
  a country finds documents about its cities;
* the normalized earliest/latest dates, for date overlap and sorting.

The backends write it with set-based SQL (one INSERT … SELECT per table), for one
document, many, or the whole archive alike, from text prepared the same way on both
databases (``archive.search.text``).
"""

from collections.abc import Iterable

from django.tasks import task

from archive.pagecache import pages_changed
from archive.pause import Pause
from archive.search.backends import get_backend

# Upper bound on ids per statement (SQLite allows 32766 bound parameters).
BATCH = 2000

# Per-change index updates are skipped inside `with updates_paused():`.
updates_paused = Pause("search_index_paused")


def reindex_documents(document_ids: Iterable[int]) -> None:
    """Bring the index rows of these documents up to date (adding, replacing or removing)."""
    if updates_paused.active:
        return
    ids = sorted({int(i) for i in document_ids if i is not None})
    if not ids:
        return
    backend = get_backend()
    for start in range(0, len(ids), BATCH):
        backend.reindex(ids[start : start + BATCH])


@task
def reindex_documents_later(document_ids: list[int]) -> int:
    """``reindex_documents`` by the task worker, for large changes (docs/tasks.md)."""
    reindex_documents(document_ids)
    return len(document_ids)


def rebuild_index() -> int:
    """Rebuild the whole index from the records; returns the number of documents indexed."""
    # After a load or a restore that paused per-change updates, every cached page is stale.
    pages_changed()
    return get_backend().rebuild()
