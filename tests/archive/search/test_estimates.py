"""Very large result sets: counts estimated from a window of the newest documents,
pages found window by window, on PostgreSQL (SQLite's FTS5 counts 100k documents
within budget and never estimates; there the same searches count exactly).

The settings shrink "very large" to a few dozen documents.
"""

import re

import pytest
from django.db import connection

from archive.models import Document
from archive.search.backends import get_backend
from archive.search.engine import SearchPlan
from tests.factories import TopicFactory

from .helpers import search_for

pytestmark = pytest.mark.django_db

ESTIMATES = connection.vendor == "postgresql"


@pytest.fixture
def small_limits(settings):
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "ESTIMATE_ABOVE": 5}
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "WINDOW": 25}
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "RANK_LIMIT": 5}


@pytest.fixture
def archive(make_document):
    """60 documents on the harvest, every other one on famine, dated across years
    (every fifth undated); the phrase "grain prices" is in five of them."""
    famine = TopicFactory(name="Famine")
    documents = []
    for n in range(60):
        phrase = "grain prices rose" if n % 12 == 0 else "prices of grain"
        document = make_document(
            title=f"Harvest report {n}" if n % 7 == 0 else f"Report {n}",
            transcript=f"<p>The harvest, {phrase}.</p>",
            date_entered="undated" if n % 5 == 0 else f"{1950 + (n * 7) % 30}-0{1 + n % 9}",
        )
        if n % 2:
            document.topics.add(famine)
        documents.append(document)
    return documents


def titles(pks):
    names = dict(Document.objects.values_list("pk", "title"))
    return [names[pk] for pk in pks]


def estimated_famine_count(html: str) -> int:
    famine = re.search(r'Famine</a>\s*<span class="count"><abbr title="about">≈</abbr>(\d+)', html)
    return int(famine.group(1))


def test_a_very_large_result_set_is_counted_about_and_says_so(client, archive, small_limits):
    html = client.get("/search/", {"q": "harvest"}).text

    if ESTIMATES:
        # 25 of 60 documents in the window, all matching: scaled by the ids spanned.
        assert "About 60 documents found" in html
        assert "like the number of documents found, are estimated" in html
        assert 26 <= estimated_famine_count(html) <= 34  # 30 in truth
    else:
        assert "60 documents found" in html and "About" not in html


def test_an_estimate_from_the_newest_candidates_alone_scales_by_their_ids(
    client, archive, small_limits, settings
):
    # The sample fills (20 candidates, the fewest scaled up) inside the window (25).
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "ESTIMATE_SAMPLE": 20}
    html = client.get("/search/", {"q": "harvest"}).text

    if ESTIMATES:
        assert "About 60 documents found" in html
        assert 24 <= estimated_famine_count(html) <= 36  # 30 in truth
    else:
        assert "60 documents found" in html and "About" not in html


def test_results_are_counted_exactly_below_the_limit(client, archive, settings):
    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "WINDOW": 25}

    html = client.get("/search/", {"q": "harvest"}).text

    assert "60 documents found" in html and "About" not in html
    assert re.search(r'Famine</a>\s*<span class="count">30</span>', html)


def test_matches_too_rare_to_scale_up_are_counted_exactly(client, archive, small_limits):
    # Every document holds both words (many candidates); five hold them as a phrase.
    html = client.get("/search/", {"q": '"grain prices"'}).text

    assert "5 documents found" in html and "About" not in html


@pytest.mark.parametrize("sort", ["relevance", "date", "-date"])
def test_pages_found_window_by_window_are_the_pages_of_the_whole_result_set(
    archive, small_limits, settings, sort
):
    backend = get_backend()
    search = search_for("harvest", sort=sort)
    estimate = SearchPlan(search).estimate
    assert (estimate is not None) == ESTIMATES

    windowed = [
        pk
        for offset in range(0, 60, 20)
        for pk in backend.page(search, offset, 20, total=60, estimate=estimate)
    ]

    settings.DOSSIER_SEARCH = {**settings.DOSSIER_SEARCH, "ESTIMATE_ABOVE": 1000}
    exact = [pk for offset in range(0, 60, 20) for pk in backend.page(search, offset, 20, total=60)]
    assert len(set(windowed)) == 60
    if sort == "relevance":
        # Tiered either way: title matches first, then the rest newest first.
        assert windowed[:9] == sorted(windowed[:9], reverse=True)
        assert all(title.startswith("Harvest") for title in titles(windowed[:9]))
        assert windowed[9:] == sorted(windowed[9:], reverse=True)
        assert set(windowed) == set(exact)
    else:
        assert windowed == exact
        undated = {document.pk for document in archive if document.date_earliest is None}
        assert set(windowed[-12:]) == undated


def test_an_estimated_results_page_uses_a_fixed_number_of_queries(
    client, archive, small_limits, django_assert_num_queries
):
    params = {"q": "harvest", "sort": "-date"}
    client.get("/search/", params)  # warm per-process caches (text search configurations)
    # PostgreSQL: planner setting, estimate (count and facets), the page (found among
    # the latest-dated documents), documents, snippets, facet names. SQLite: the count
    # of FTS matches, those matches read whole (count, facets and the page), documents,
    # snippets, facet names.
    with django_assert_num_queries(6 if ESTIMATES else 5):
        assert client.get("/search/", params).status_code == 200

    # By relevance, each tier's page may take a wider window or the whole archive.
    with django_assert_num_queries(12, exact=False):
        assert client.get("/search/", {"q": "harvest"}).status_code == 200


def test_a_page_past_the_last_result_of_an_estimate_says_so(client, make_document, small_limits):
    # The 30 newest documents all match, the 30 oldest are excluded: scaled up from the
    # newest, the estimate promises more results than there are.
    for n in range(60):
        cause = " in the drought" if n < 30 else ""
        make_document(title=f"Report {n}", transcript=f"<p>The harvest failed{cause}.</p>")
    params = {"q": "harvest -drought"}

    html = client.get("/search/", {**params, "page": 3}).text

    if ESTIMATES:
        assert "About 60 documents found" in html
        assert "This page is past the last result: the number found was an estimate" in html
        assert "?q=harvest+-drought&amp;page=2" in html
    else:
        assert "There is no page 3: these results have 2 page(s)." in html
    assert "No published documents match" not in html


def test_pages_of_an_estimate_beyond_the_limit_are_refused_with_advice(
    client, archive, small_limits, monkeypatch
):
    monkeypatch.setattr("archive.search.views.MAX_ESTIMATED_PAGES", 2)

    response = client.get("/search/", {"q": "harvest", "page": 3})

    if ESTIMATES:
        assert response.status_code == 400
        assert "Only the first 2 pages of so many results can be shown" in response.text
    else:  # counted exactly: every page can be opened
        assert response.status_code == 200
        assert "60 documents found" in response.text
    last = client.get("/search/", {"q": "harvest", "page": 2})
    assert last.status_code == 200
    assert ("Page 2 of 2" in last.text) == ESTIMATES
    assert ('rel="next"' in last.text) != ESTIMATES
