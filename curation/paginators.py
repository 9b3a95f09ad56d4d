"""Change-list paging that never counts a whole large table row by row.

The admin counts the rows of its list for the paginator and, unless told otherwise, the
whole table for "N total". On PostgreSQL an unfiltered list takes the planner's row
estimate (`pg_class.reltuples`, kept by autovacuum's ANALYZE) once the table is larger
than `EXACT_BELOW`; filtered lists, small tables and SQLite count exactly.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Under this many rows an exact count is cheap enough and shows the true number.
EXACT_BELOW = 50_000


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
    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.object_list)
        return super().count if estimate is None else estimate
