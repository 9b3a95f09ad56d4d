"""Change-list paging that never counts a large table row by row.

The admin counts the rows of its list for the paginator. On PostgreSQL an unfiltered
list of a table larger than `EXACT_BELOW` takes the planner's row estimate instead
(`pg_class.reltuples`, kept by autovacuum's ANALYZE). Every other list counts its rows
only up to `COUNT_LIMIT` past the page asked for, and then says "more than N": counting
every match of a word in a million summaries reads them all for a number nobody pages
to. (SQLite's `sqlite_stat1` would give an estimate too, but only in a second query.)
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Under this many rows an exact count is cheap enough and shows the true number.
EXACT_BELOW = 50_000
# A filtered list counts at most this many rows beyond the page it shows.
COUNT_LIMIT = 10_000


def estimated_rows(queryset) -> int | None:
    """The planner's estimate of the rows of an unfiltered queryset's table (PostgreSQL);
    None where there is none to trust."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= EXACT_BELOW else None


class EstimatedCountPaginator(Paginator):
    """`count` is an estimate (unfiltered, large), a lower bound (filtered, past
    `COUNT_LIMIT` rows after page `page`) or exact; `count_is` says which."""

    def __init__(self, *args, page: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_limit = COUNT_LIMIT + max(page, 1) * self.per_page

    @cached_property
    def _counted(self) -> tuple[int, str]:
        # A list may say how its rows are counted faster (curation.admin_changelist).
        counted = getattr(self.object_list, "counted_as", self.object_list)
        estimate = estimated_rows(counted)
        if estimate is not None:
            return estimate, "estimate"
        # Only the ids, without the list's order: the database stops at the limit.
        rows = counted.order_by().values("pk")[: self.count_limit + 1].count()
        return rows, ("more than" if rows > self.count_limit else "exact")

    def page(self, number):
        """A list of more rows than counted may say how a page of it is found faster
        (`paged_when_many`, curation.admin_changelist)."""
        many = getattr(self.object_list, "paged_when_many", None)
        if many is not None and self.count_is != "exact":
            self.object_list = many
        return super().page(number)

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is(self) -> str:
        """How `count` was found: "exact", "estimate" or "more than" (`count_limit`)."""
        return self._counted[1]
