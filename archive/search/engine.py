"""One search, planned: how it will be answered, and its count, facet counts and pages.

A plan is decided once per search, from the cheapest thing the backend can tell:

* **estimated**: more candidates than can be counted within the latency budget
  (PostgreSQL only): count and facet counts scaled up from a sample of the newest
  documents, pages looked for in windows of the index first;
* **read whole**: at most ``READ_WHOLE_LIMIT`` matches, read in one pass (a ``Tally``):
  count, facet counts and every page follow from it;
* **counted**: counted exactly; facet counts of more than ``READ_WHOLE_LIMIT`` matches
  from a sample of about ``FACET_SAMPLE``, shown as estimates.
"""

from collections import Counter
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString

from archive.models import Document
from archive.search.backends import Search, Snippet, get_backend
from archive.search.backends.base import tuning
from archive.search.snippets import has_highlight, highlight

ESTIMATED, READ_WHOLE, COUNTED = "estimated", "read whole", "counted"


@dataclass
class Result:
    document: Document
    title_html: SafeString
    snippet_html: SafeString


class SearchPlan:
    """What ``Paginator`` needs (``count()`` and slices of results) and the facet counts.
    Each slice is three queries: the page's ids, the documents, the snippets."""

    def __init__(self, search: Search):
        self.search = search
        self.backend = backend = get_backend()
        self.estimate = backend.estimate(search)
        self.tally = None
        if self.estimate is not None:
            self.how, self._count = ESTIMATED, self.estimate.count
            return
        at_most = tuning("READ_WHOLE_LIMIT")
        bound = backend.bound(search)
        if search.is_filtered if bound is None else bound[0] <= at_most:
            # A filtered search often leaves few: one pass where counting, then counting
            # facets, would make two.
            self.tally = backend.tally(search, at_most=at_most)
        if self.tally is not None:
            self.how, self._count = READ_WHOLE, self.tally.count
        else:
            exact = bound is not None and bound[1]
            self.how, self._count = COUNTED, bound[0] if exact else backend.count(search)

    @property
    def estimated(self) -> bool:
        return self.how == ESTIMATED

    def count(self) -> int:
        return self._count

    __len__ = count

    def facet_counts(self) -> tuple[Counter, bool]:
        """Documents per facet key, and whether those are estimates."""
        if self.how != COUNTED:
            return (self.estimate or self.tally).facets, self.estimated
        sample = 1
        if self._count > tuning("READ_WHOLE_LIMIT"):
            sample = max(2, -(-self._count // tuning("FACET_SAMPLE")))
        return self.backend.facet_counts(self.search, sample_every=sample), sample > 1

    def page(self, offset: int, limit: int) -> list[int]:
        """The ids of the results at offset..offset+limit."""
        if self.tally is not None:
            ids = self.tally.page(self.search.effective_sort, offset, limit)
            if ids is not None:
                return ids
        return self.backend.page(
            self.search, offset, limit, total=self._count, estimate=self.estimate
        )

    def __getitem__(self, item: slice) -> list[Result]:
        if not isinstance(item, slice):
            raise TypeError("SearchPlan supports slices only")
        offset = item.start or 0
        limit = (item.stop if item.stop is not None else self._count) - offset
        ids = self.page(offset, limit) if limit > 0 else []
        if not ids:
            return []
        # By primary key first: filtering on status too lets SQLite pick the status index.
        documents = Document.objects.select_related("document_type").in_bulk(ids)
        snippets = self.backend.snippets(self.search, ids)
        results = []
        for pk in ids:
            document = documents.get(pk)
            if document is None or not document.is_published:  # unpublished since read
                continue
            snippet = snippets.get(pk, Snippet())
            title = highlight(snippet.title) if has_highlight(snippet.title) else ""
            body = highlight(snippet.body) if has_highlight(snippet.body) else ""
            # A title without highlights is shown as written, not as the index spaced it.
            results.append(Result(document, title or escape(document.title), body))
        return results
