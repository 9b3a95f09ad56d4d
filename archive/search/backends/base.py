"""The one search interface: what a search asks for, and what a backend must answer."""

import contextlib
import datetime
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from archive.search.backends import sql
from archive.search.backends.sql import Select
from archive.search.query import ParsedQuery

HEAD = "head"
REST = "rest"
NEWEST = "-document_id"  # most recently added first


def tuning(name: str) -> int:
    """One of the search's limits (``DOSSIER_SEARCH`` in config/settings.py)."""
    return settings.DOSSIER_SEARCH[name]


class Sort(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    DATE = "date", _("Date, oldest first")
    DATE_DESC = "-date", _("Date, newest first")


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

    @property
    def has_text(self) -> bool:
        return self.query is not None and bool(self.query.groups)

    @property
    def is_blank(self) -> bool:
        return self.query is None and not self.is_filtered

    @property
    def is_filtered(self) -> bool:
        return bool(self.facets) or self.date_from is not None or self.date_to is not None

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
            if self.ranks is None or self.count > tuning("RANK_LIMIT"):
                return None
            ordered = sorted(self.ranks, key=lambda pk: (self.ranks[pk], pk))
        else:
            ordered = self.by_date(sort)
        return ordered[offset : offset + limit]

    def by_date(self, sort: str) -> list[int]:
        """Ids in the order of ``sql.date_order``: undated last, ties by id."""
        descending = sort.startswith("-")
        dated = sorted(
            ((date, pk) for pk, date in self.dates.items() if date is not None),
            reverse=descending,
        )
        undated = sorted(
            (pk for pk, date in self.dates.items() if date is None), reverse=descending
        )
        return [pk for _date, pk in dated] + undated


@dataclass
class Snippet:
    """Text with highlight markers (archive.search.text.MARK_START/MARK_END), not yet escaped."""

    title: str = ""
    body: str = ""


class SearchBackend(ABC):
    """What every backend answers from the same few SQL fragments: the matches of a
    search (``_matches``), their order by relevance (``_rank``), and which windows of
    the index may hold a page (``_windows``). Counting, reading whole, tiers, windows
    and facet samples are built here from those."""

    vendor: str

    @abstractmethod
    def _matches(self, search: Search, tier: str | None = None) -> Select:
        """The index rows (``archive_searchentry e``) of the published documents that
        match, or only those of a tier (HEAD: the words match title, summary or names;
        REST: they match only elsewhere)."""

    @abstractmethod
    def _rank(self, search: Search, tier: str | None) -> str:
        """ORDER BY for relevance, best first, ties by id."""

    def _run(self, statement: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    @abstractmethod
    def snippets(self, search: Search, document_ids: Sequence[int]) -> dict[int, Snippet]:
        """Highlighted title and body excerpts for these documents (one query)."""

    @abstractmethod
    def reindex(self, document_ids: Sequence[int]) -> None:
        """Replace the index rows of these documents (removing unpublished ones)."""

    @abstractmethod
    def rebuild(self) -> int:
        """Rebuild the whole index; return the number of documents indexed."""

    def session(self):
        """A context for the queries of one search page (see the PostgreSQL backend)."""
        return contextlib.nullcontext()

    # ----- counting -----------------------------------------------------------------------

    def estimate(self, search: Search) -> Estimate | None:
        """Estimated counts when the result set is too large to count exactly within
        the latency budget; None when it should be counted (the default)."""
        return None

    def bound(self, search: Search) -> tuple[int, bool] | None:
        """An upper bound on the matches cheaper to find than their count, and whether
        it is exact; None if the backend has none."""
        return None

    def count(self, search: Search, *, tier: str | None = None, at_most: int | None = None) -> int:
        """How many published documents match (of a tier; up to ``at_most`` if given)."""
        return self._run(*self._counted(search, tier).count(at_most))[0][0]

    def _counted(self, search: Search, tier: str | None) -> Select:
        return self._matches(search, tier)

    def tally(self, search: Search, *, at_most: int) -> Tally | None:
        """The matches read in one pass, or None when there are more than ``at_most``
        (after reading only that many)."""
        rank = self._tally_rank(search)
        rows = self._run(
            *self._matches(search).sql(
                "e.document_id, e.date_earliest, e.facets" + (f", {rank}" if rank else ""),
                " LIMIT %s",
                at_most + 1,
            )
        )
        return None if len(rows) > at_most else Tally.from_rows(rows, ranked=rank is not None)

    def _tally_rank(self, search: Search) -> str | None:
        """SQL for a row's rank in a tally (lower is better), if the backend ranks there."""
        return None

    # ----- facets -------------------------------------------------------------------------

    def facet_counts(self, search: Search, *, sample_every: int = 1) -> Counter[str]:
        """For each facet key, how many matching documents have it.

        With ``sample_every`` > 1, about one matching document in so many is counted
        (a sample spread over the ids, for result sets too large to count within budget)
        and the counts are scaled up to estimates."""
        matches = self._matches(search)
        if sample_every == 1:
            return self._key_counts(matches)
        return self._sampled_key_counts(search, matches, sample_every)

    def _sampled_key_counts(self, search: Search, matches: Select, every: int) -> Counter[str]:
        """Every n-th id: on the column the source reads first, so rows left out are
        never joined."""
        counts = self._key_counts(matches.where(f"{matches.ids} %% %s = 0", every))
        return Counter({key: count * every for key, count in counts.items()})

    def _key_counts(self, matches: Select) -> Counter[str]:
        return Counter(" ".join(keys for (keys,) in self._run(*matches.sql("e.facets"))).split())

    # ----- pages --------------------------------------------------------------------------

    def page(
        self, search: Search, offset: int, limit: int, *, total=None, estimate=None
    ) -> list[int]:
        """Ids of the matching documents at offset..offset+limit, in the search's order.

        Ranking every match costs time in proportion to the matches. Above the rank
        limit (``total`` known to exceed it), relevance is tiered: documents whose
        title, summary or names match, ranked; then those matching only in their
        texts, most recently added first. When even the first tier is over the limit,
        it is listed newest first too. Pages listed newest first or by date may be
        found in windows of the index first (``_windows``).
        """
        rank_limit = tuning("RANK_LIMIT")
        windows = self._windows(search, offset + limit, total, estimate)
        if not (search.effective_sort == Sort.RELEVANCE and total and total > rank_limit):
            return self._page(search, offset, limit, tier=None, windows=windows)
        if estimate is not None and estimate.head_count > rank_limit:
            # Counting a first tier this large costs as much as the whole page may:
            # only a page reaching past its end needs its exact size.
            ids = self._page(search, offset, limit, tier=HEAD, ranked=False, windows=windows)
            if len(ids) == limit:
                return ids
            if ids:  # the first tier ends on this page
                return ids + self._page(search, 0, limit - len(ids), tier=REST, windows=windows)
        # A head tier itself too large to rank is listed newest first as well. Whether it
        # is needs counting only up to the limit; where it ends, only for a page past that.
        head_total = self.count(search, tier=HEAD, at_most=rank_limit + 1)
        ranked = head_total <= rank_limit
        if not ranked and offset + limit > head_total:
            head_total = self.count(search, tier=HEAD)
        ids = []
        if offset < head_total:
            ids = self._page(search, offset, limit, tier=HEAD, ranked=ranked, windows=windows)
        if len(ids) < limit:
            rest_offset = max(0, offset - head_total)
            ids += self._page(search, rest_offset, limit - len(ids), tier=REST, windows=windows)
        return ids

    def _windows(self, search: Search, needed: int, total, estimate) -> tuple[int, ...]:
        """Sizes of the windows of the index a page may be looked for in, smallest first."""
        return ()

    def _page(self, search, offset, limit, *, tier, ranked=True, windows=()) -> list[int]:
        """A page of ids: by relevance (HEAD too, when ranked), by date, or newest first."""
        matches = self._matches(search, tier)
        sort = search.effective_sort
        if tier == REST or not ranked:
            order, window_order = f"{matches.ids} DESC", NEWEST
        elif sort == Sort.RELEVANCE:
            order, window_order = self._rank(search, tier), None
        else:
            order, window_order = sql.date_order(sort), sort
        if window_order is not None and windows:
            ids = self._page_in_windows(search, tier, window_order, windows, offset + limit)
            if ids is not None:
                return ids[offset:]
        tail = f" ORDER BY {order} LIMIT %s OFFSET %s"
        return [row[0] for row in self._run(*matches.sql("e.document_id", tail, limit, offset))]

    def _page_in_windows(self, search, tier, order: str, sizes, needed: int) -> list[int] | None:
        """The first ``needed`` ids in this order (NEWEST, Sort.DATE or Sort.DATE_DESC),
        looked for among the newest, earliest or latest-dated ``size`` documents, each
        window in the order its index gives. A page found inside a window is the page of
        the whole result set; None if no window holds it."""
        descending = order.startswith("-")
        if order == NEWEST:
            column, by, farthest = "document_id", "e.document_id DESC", 0
        else:  # a date window holds dated documents only: an order the date index gives
            column, by = "date_earliest", sql.date_order(order, dated_only=True)
            farthest = datetime.date.min if descending else datetime.date.max
        for size in sizes:
            edge, params = sql.boundary(column, size, descending=descending, farthest=farthest)
            window = self._window_matches(search, tier).where(
                f"e.{column} {'>=' if descending else '<='} {edge}", *params
            )
            rows = self._run(*window.sql("e.document_id", f" ORDER BY {by} LIMIT %s", needed))
            if len(rows) == needed:
                return [row[0] for row in rows]
        return None

    def _window_matches(self, search: Search, tier: str | None) -> Select:
        """The matches as read inside a window (by default, as anywhere)."""
        return self._matches(search, tier)
