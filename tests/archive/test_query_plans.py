"""The indexes the public pages' plans rely on exist and are the ones the databases use
(EXPLAIN), so a page's cost follows what it shows, not the size of the archive. Timing is
bench/pages.py's business; this pins the plans."""

import pytest
from django.db import connection

from archive import selectors
from archive.statistics import analyze
from tests.archive.test_public_queries import bulk_documents
from tests.factories import CollectionFactory

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tables this small are read whole whatever the indexes; forbid that to see
            # which index the planner can use for the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


@pytest.fixture
def archive():
    documents = bulk_documents(300)
    collections = [CollectionFactory() for _ in range(10)]
    for n, collection in enumerate(collections):
        collection.documents.add(*documents[30 * n : 30 * n + 30])
    analyze()
    return collections[0]


def test_home_reads_the_newest_off_its_index_without_sorting(archive):
    text = plan(selectors.recent_documents())
    assert "document_published_newest" in text
    assert "TEMP B-TREE" not in text and "Sort" not in text


def test_a_collection_starts_from_its_own_documents(archive):
    text = plan(selectors.collection_documents(archive, newest_first=False))
    assert "collection_id" in text  # the relation's index, not every published document
    if connection.vendor == "sqlite":
        assert "INTEGER PRIMARY KEY" in text  # each member looked up by its key
        assert "document_status_date" not in text


def test_year_counts_are_index_range_counts():
    bulk_documents(30)
    analyze()
    assert sum(year["count"] for year in selectors.year_counts()) == 30
    range_count = selectors.published_documents().filter(
        date_earliest__gte="1950-01-01", date_earliest__lt="1951-01-01"
    )
    text = plan(range_count.order_by().values("pk"))
    assert "document_status_date" in text or "document_date_range" in text
