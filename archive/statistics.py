"""Planner statistics: how many rows each index value selects.

SQLite plans without statistics as if `status = 'published'` picked a handful of rows, so
it starts collection, topic and related-document lists from every published document
instead of from the relation's few rows (a cost that grows with the archive). `ANALYZE`
records the truth in `sqlite_stat1`; PostgreSQL's autovacuum keeps its own, and a manual
`ANALYZE` after a bulk load makes them current at once.
"""

from django.db import connections


def analyze(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            # Keeps them current from now on: re-analyzes tables that changed a lot.
            cursor.execute("PRAGMA optimize")
