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
    return plan_sql(*queryset.query.sql_with_params())


def plan_sql(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tables this small are read whole (and sorted) whatever the indexes; forbid
            # that to see which index the planner can use for the query and its order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
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


def test_years_are_counted_and_listed_from_the_listings():
    bulk_documents(30)
    analyze()
    assert sum(year["count"] for year in selectors.year_counts()) == 30
    text = plan(selectors.year_documents(1950)[:25])
    assert "listing_by_date" in text
    assert "TEMP B-TREE" not in text and "Sort" not in text


@pytest.mark.parametrize("newest_first", [False, True])
def test_a_page_of_a_names_documents_is_one_range_of_the_listings_index(archive, newest_first):
    documents = selectors.collection_documents(archive, newest_first=newest_first)
    text = plan(documents[25:50])
    assert "listing_by_date" in text  # read in the index's order, either way
    assert "TEMP B-TREE" not in text and "Sort" not in text
    if connection.vendor == "sqlite":
        assert "INTEGER PRIMARY KEY" in text  # each document then looked up by its key


def test_the_counts_of_names_are_looked_up_by_their_key(archive):
    text = plan(selectors.collections_with_counts())
    if connection.vendor == "postgresql":
        assert "listing_count_per_name" in text
    else:  # SQLite names a unique constraint's index after the table
        assert "listingcount" in text and "(kind=? AND key=?)" in text


def test_the_document_pages_terms_and_related_lists_start_from_the_document(archive):
    document = archive.documents.first()
    terms = plan_sql(selectors._terms_sql(connection.vendor), [document.pk] * 6)
    related = plan_sql(
        selectors._related_sql(connection.vendor), [document.pk] * 3 + [selectors.PUBLISHED]
    )
    for text in (terms, related):
        if connection.vendor == "postgresql":
            assert "Seq Scan" not in text
        else:
            assert "SCAN " not in text  # no table read whole
            assert "document_id=?" in text
