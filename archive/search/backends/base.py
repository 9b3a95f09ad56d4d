"""The one search interface: what a search asks for, and what a backend must answer."""

import contextlib
import datetime
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings

from archive.search.query import ParsedQuery

# Above this many matches, relevance is tiered (see SearchBackend.page).
RANK_EXACT_LIMIT = 5_000
HEAD = "head"
REST = "rest"


class Sort:
    RELEVANCE = "relevance"
    DATE = "date"
    DATE_DESC = "-date"
    CHOICES = (
        (RELEVANCE, "Relevance"),
        (DATE, "Date, oldest first"),
        (DATE_DESC, "Date, newest first"),
    )


@dataclass(frozen=True)
class FacetFilter:
    """Documents with any (or all) of these facet keys."""

    keys: tuple[str, ...]
    match_all: bool = False


@dataclass(frozen=True)
class Search:
    """A search, built up by ``DocumentFilter`` and run by a backend.

    ``all()`` lets django-filter treat it as its queryset.
    """

    query: ParsedQuery | None = None
    facets: tuple[FacetFilter, ...] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = Sort.RELEVANCE

    def all(self) -> "Search":
        return self

    @property
    def model(self):
        """What django-filter asks its queryset for: the searched model."""
        from archive.models import Document

        return Document

    def with_query(self, query: ParsedQuery | None) -> "Search":
        return replace(self, query=query)

    def with_facet(self, keys: Sequence[str], *, match_all: bool = False) -> "Search":
        if not keys:
            return self
        return replace(self, facets=(*self.facets, FacetFilter(tuple(keys), match_all)))

    def with_dates(self, date_from=None, date_to=None) -> "Search":
        return replace(self, date_from=date_from, date_to=date_to)

    def with_sort(self, sort: str | None) -> "Search":
        return replace(self, sort=sort or Sort.RELEVANCE)

    @property
    def has_text(self) -> bool:
        return self.query is not None and bool(self.query.groups)

    @property
    def is_blank(self) -> bool:
        return (
            self.query is None
            and not self.facets
            and self.date_from is None
            and self.date_to is None
        )

    @property
    def effective_sort(self) -> str:
        """Relevance needs words to rank by; without them results are listed by date."""
        if self.sort == Sort.RELEVANCE and not self.has_text:
            return Sort.DATE
        return self.sort


@dataclass(frozen=True)
class Estimate:
    """Counts for a result set too large to count within the latency budget, scaled up
    from a sample of the archive: matches, matches in title, summary or names, and
    documents per facet key."""

    count: int
    head_count: int
    facets: Counter[str]


def rank_exact_limit() -> int:
    return getattr(settings, "DOSSIER_SEARCH_RANK_EXACT_LIMIT", RANK_EXACT_LIMIT)


@dataclass(frozen=True)
class Tally:
    """A result set small enough to read whole: its documents' ids, dates and (when
    ranked) relevance, from which its count and its pages follow; documents per facet key.
    """

    dates: dict[int, object]  # document id -> earliest date (None if undated)
    facets: Counter[str]
    ranks: dict[int, float] | None = None  # document id -> rank, best (lowest) first

    @classmethod
    def from_rows(cls, rows, *, ranked: bool = False) -> "Tally":
        """From (document id, earliest date, space-separated facet keys[, rank]) rows."""
        return cls(
            {row[0]: row[1] for row in rows},
            Counter(" ".join(row[2] for row in rows).split()),
            {row[0]: row[3] for row in rows} if ranked else None,
        )

    @property
    def count(self) -> int:
        return len(self.dates)

    def page(self, sort: str, offset: int, limit: int) -> list[int] | None:
        """A page of ids in the order the backend's ``page`` gives, or None if this tally
        cannot tell (unranked, or more matches than are ranked exactly)."""
        if sort == Sort.RELEVANCE:
            if self.ranks is None or self.count > rank_exact_limit():
                return None
            ordered = sorted(
                self.ranks, key=lambda document_id: (self.ranks[document_id], document_id)
            )
        else:
            ordered = self.by_date(sort)
        return ordered[offset : offset + limit]

    def by_date(self, sort: str) -> list[int]:
        """Ids in the order of ``sql.date_order``: undated last, ties by id."""
        descending = sort.startswith("-")
        dated = sorted(
            ((date, document_id) for document_id, date in self.dates.items() if date is not None),
            reverse=descending,
        )
        undated = sorted((i for i, date in self.dates.items() if date is None), reverse=descending)
        return [document_id for _date, document_id in dated] + undated


@dataclass
class Snippet:
    """Text with highlight markers (index.MARK_START/MARK_END), not yet escaped."""

    title: str = ""
    body: str = ""


@dataclass
class Hit:
    document_id: int
    snippet: Snippet = field(default_factory=Snippet)


class SearchBackend(ABC):
    vendor: str

    def page(
        self,
        search: Search,
        offset: int,
        limit: int,
        *,
        total: int | None = None,
        estimate: Estimate | None = None,
    ):
        """Ids of the matching documents at offset..offset+limit, in the search's order.

        Ranking every match costs time in proportion to the matches. Above the rank
        limit (``total`` known to exceed it), relevance is tiered: documents whose
        title, summary or names match, ranked; then those matching only in their
        texts, most recently added first. When even the first tier is over the limit,
        it is listed newest first too. With an ``estimate`` (a very large result set),
        pages listed newest first or by date may be found in windows of the archive.
        """
        limit_setting = rank_exact_limit()
        windowed = estimate is not None
        tiered = (
            search.effective_sort == Sort.RELEVANCE and total is not None and total > limit_setting
        )
        if not tiered:
            return self._page(search, offset, limit, tier=None, windowed=windowed)
        if windowed and estimate.head_count > limit_setting:
            # Counting a first tier this large costs as much as the whole page may:
            # only a page reaching past its end needs its exact size.
            ids = self._page(search, offset, limit, tier=HEAD, ranked=False, windowed=True)
            if len(ids) == limit:
                return ids
            if ids:  # the first tier ends on this page
                return ids + self._page(search, 0, limit - len(ids), tier=REST, windowed=True)
        # A head tier itself too large to rank is listed newest first as well. Whether it
        # is needs counting only up to the limit; where it ends, only for a page past that.
        head_total = self._count(search, tier=HEAD, at_most=limit_setting + 1)
        ranked = head_total <= limit_setting
        if not ranked and offset + limit > head_total:
            head_total = self._count(search, tier=HEAD)
        ids = (
            self._page(search, offset, limit, tier=HEAD, ranked=ranked, windowed=windowed)
            if offset < head_total
            else []
        )
        if len(ids) < limit:
            ids += self._page(
                search,
                max(0, offset - head_total),
                limit - len(ids),
                tier=REST,
                windowed=windowed,
            )
        return ids

    def session(self):
        """A context for the queries of one search page (see the PostgreSQL backend)."""
        return contextlib.nullcontext()

    def count(self, search: Search) -> int:
        """How many published documents match."""
        return self._count(search, tier=None)

    def estimate(self, search: Search) -> Estimate | None:
        """Estimated counts when the result set is too large to count exactly within
        the latency budget; None when it should be counted (the default)."""
        return None

    def count_or_tally(self, search: Search, *, at_most: int) -> tuple[int, Tally | None]:
        """The number of matches, and the matches read whole (a ``Tally``) when there
        are at most ``at_most``. A filtered search, which often leaves few, is read whole
        straight away: one pass where counting, then counting facets, would make two."""
        if search.facets or search.date_from or search.date_to:
            tally = self.tally(search, at_most=at_most)
            if tally is not None:
                return tally.count, tally
        return self.count(search), None

    def tally(self, search: Search, *, at_most: int) -> Tally | None:
        """The matches read in one pass, or None when there are more than ``at_most``
        (after reading only that many)."""
        clause, params = self._tally_from_where(search)
        rank = self._tally_rank(search)
        rows = self._run(
            f"SELECT e.document_id, e.date_earliest, e.facets{f', {rank}' if rank else ''}"
            f"{clause} LIMIT %s",
            [*params, at_most + 1],
        )
        if len(rows) > at_most:
            return None
        return Tally.from_rows(rows, ranked=rank is not None)

    def _tally_rank(self, search: Search) -> str | None:
        """SQL for a row's rank in a tally (lower is better), if the backend ranks there."""
        return None

    @abstractmethod
    def _tally_from_where(self, search: Search) -> tuple[str, list]:
        """FROM and WHERE clauses over the matches, with ``archive_searchentry e``."""

    @abstractmethod
    def _run(self, statement: str, params: list) -> list[tuple]:
        """The rows of one statement."""

    @abstractmethod
    def _count(self, search: Search, *, tier: str | None, at_most: int | None = None) -> int:
        """Matches, or only those of a tier (HEAD: the words match title, summary or
        names; REST: they match only elsewhere); counted up to ``at_most`` if given."""

    @abstractmethod
    def _page(
        self,
        search: Search,
        offset: int,
        limit: int,
        *,
        tier: str | None,
        ranked: bool = True,
        windowed: bool = False,
    ) -> list[int]:
        """A page of ids: by relevance (HEAD too, when ranked), by date, or newest id first.

        ``windowed``: the result set is very large, so a backend may look for the page
        among the newest (or latest-dated) documents first."""

    @abstractmethod
    def snippets(self, search: Search, document_ids: Sequence[int]) -> dict[int, Snippet]:
        """Highlighted title and body excerpts for these documents (one query)."""

    @abstractmethod
    def facet_counts(self, search: Search, *, sample_every: int = 1) -> Counter[str]:
        """For each facet key, how many matching documents have it.

        With ``sample_every`` > 1, about one matching document in so many is counted
        (a sample spread over the ids, for result sets too large to count within budget)
        and the counts are scaled up to estimates."""

    @abstractmethod
    def reindex(self, document_ids: Sequence[int]) -> None:
        """Replace the index rows of these documents (removing unpublished ones)."""

    @abstractmethod
    def rebuild(self) -> int:
        """Rebuild the whole index; return the number of documents indexed."""
