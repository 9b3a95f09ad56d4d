"""How a search is answered: which statements it runs and how the database plans them,
pinned by query counts and query plans, never by time (bench/search_latency.py
measures the time)."""

import pytest
from django.db import connection

from archive.search.backends import get_backend
from archive.search.engine import READ_WHOLE, SearchPlan
from tests.factories import LanguageFactory, TopicFactory

from .helpers import found, search_for

pytestmark = pytest.mark.django_db

ON_SQLITE = connection.vendor == "sqlite"


def statements_of(call) -> list[tuple[str, list]]:
    """The SQL statements (with their params) that ``call`` runs."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return statements


def query_plan(sql: str, params) -> str:
    explain = "EXPLAIN QUERY PLAN " if ON_SQLITE else "EXPLAIN (COSTS OFF) "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_a_result_set_read_whole_gives_its_pages_by_relevance_without_another_query(
    make_document, django_assert_num_queries
):
    topic = TopicFactory()
    for n in range(6):
        document = make_document(title=f"Cable {n}", transcript="<p>harvest " * (n + 1) + "</p>")
        document.topics.add(topic)

    plan = SearchPlan(search_for("harvest", topic=topic.slug))

    assert plan.how == READ_WHOLE
    with django_assert_num_queries(0):
        ids = plan.page(0, 20)
    assert len(ids) == 6


@pytest.mark.skipif(not ON_SQLITE, reason="PostgreSQL pages by date without windows here")
def test_a_page_by_date_walks_the_date_index_and_lists_the_matches_once(make_document, settings):
    for n, date in enumerate(["1965-05-30", "1950", "undated", "1971-02", "1949", "1960"]):
        make_document(title=f"Cable {n}", date_entered=date)
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "READ_WHOLE_LIMIT": 1}
    plan = SearchPlan(search_for("cable", sort="-date"))

    statements = statements_of(lambda: plan.page(0, 3))

    [(page, params)] = [(s, p) for s, p in statements if "ORDER BY e.date_earliest DESC" in s]
    steps = query_plan(page, params)
    assert "searchentry_date_earliest" in steps
    assert "CORRELATED" not in steps  # a MATCH per document would merge its doclists anew


@pytest.mark.skipif(not ON_SQLITE, reason="FTS5's prefixes of Snowball stems")
def test_a_word_is_looked_for_once_when_a_stem_prefix_covers_it(make_document, russian):
    LanguageFactory(code="de", name="German")
    make_document(title="Cable", transcript="<p>Вьетнама</p>", transcript_language=russian)
    match = get_backend()._match

    # "Вьетнаме" and its stem "вьетнам" both begin "вьетнам": the prefix alone.
    assert match(search_for("Вьетнаме"))[0] == '({title summary body names} : (("вьетнам" *)))'
    # Porter may cut a Latin word shorter than its stem: the word as typed stays.
    assert match(search_for("Verhandlungen"))[0].count('"') == 4
    assert found("Вьетнаме") == ["Cable"]


@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL's GIN index and TOASTed vectors")
def test_a_phrase_is_checked_after_the_dates_and_never_by_the_index(make_document):
    for n in range(3):
        make_document(title=f"Cable {n}", transcript="<p>grain prices</p>", date_entered="1962")
    search = search_for('"grain prices"', date_from="1960", date_to="1965")
    statement, params = get_backend()._matches(search).sql("e.document_id")

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as a search page plans
    steps = query_plan(statement, params)

    # The index finds the words in any order; a phrase in its condition would be
    # rechecked on every candidate's vector, read out of TOAST, before the dates.
    assert not [line for line in steps.splitlines() if "Cond:" in line and "<->" in line]
    [checks] = [line for line in steps.splitlines() if "Filter:" in line]
    assert checks.index("date_earliest") < checks.index("ts_match_vq")


@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL's GIN index and TOASTed vectors")
def test_an_excluded_word_is_left_out_by_the_index_not_by_reading_every_match(make_document):
    make_document(title="Cable", transcript="<p>harvest report</p>")
    make_document(title="Other cable", transcript="<p>harvest revisionism</p>")
    search = search_for("harvest -revisionism")
    statement, params = get_backend()._matches(search).sql("e.document_id")

    steps = query_plan(statement, params)

    assert "Anti Join" in steps
    assert found("harvest -revisionism") == ["Cable"]
