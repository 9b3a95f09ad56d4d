"""Running a search for a page: the lazily counted, sliceable result list the
paginator needs, hydrated with documents and snippets."""

from dataclasses import dataclass
from functools import cached_property

from django.utils.safestring import SafeString

from archive.models import Document
from archive.search.backends import Estimate, Search, Tally, get_backend
from archive.search.facets import facet_exact_limit
from archive.search.snippets import has_highlight, highlight


@dataclass
class Result:
    document: Document
    title_html: SafeString
    snippet_html: SafeString


class SearchResults:
    """What ``Paginator`` needs: ``count()`` and slicing; each slice is three queries
    (the page's ids, the documents, the snippets).

    A result set too large to count within the latency budget has an ``estimate``
    (the backend's, from a sample): its count is then "about" so many. One small enough
    to read whole may have a ``tally`` (see ``SearchBackend.count_or_tally``): its
    count, facet counts and pages from one pass.
    """

    def __init__(self, search: Search):
        self.search = search
        self.backend = get_backend()

    @cached_property
    def estimate(self) -> Estimate | None:
        return self.backend.estimate(self.search)

    @cached_property
    def _counted(self) -> tuple[int, Tally | None]:
        if self.estimate is not None:
            return self.estimate.count, None
        return self.backend.count_or_tally(self.search, at_most=facet_exact_limit())

    @property
    def tally(self) -> Tally | None:
        return self._counted[1]

    @property
    def estimated(self) -> bool:
        return self.estimate is not None

    @property
    def _count(self) -> int:
        return self._counted[0]

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("SearchResults supports slices only")
        offset = item.start or 0
        limit = (item.stop if item.stop is not None else self._count) - offset
        if limit <= 0:
            return []
        ids = None
        if self.tally is not None:
            ids = self.tally.page(self.search.effective_sort, offset, limit)
        if ids is None:
            ids = self.backend.page(
                self.search, offset, limit, total=self._count, estimate=self.estimate
            )
        if not ids:
            return []
        # By primary key first: filtering on status too lets SQLite pick the status index.
        documents = {
            pk: document
            for pk, document in Document.objects.select_related("document_type")
            .in_bulk(ids)
            .items()
            if document.is_published
        }
        snippets = self.backend.snippets(self.search, ids)
        results = []
        for document_id in ids:
            document = documents.get(document_id)
            if document is None:  # unpublished since the index was read
                continue
            snippet = snippets.get(document_id)
            title = highlight(snippet.title) if snippet and has_highlight(snippet.title) else None
            body = highlight(snippet.body) if snippet and has_highlight(snippet.body) else None
            results.append(Result(document, title or highlight(document.title), body or ""))
        return results
