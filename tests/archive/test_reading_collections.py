"""Collections: the index and a collection's page, as readers browse them."""

import io
import re

import pytest
from django.core.management import call_command

from archive.richtext import html_to_text
from tests.curation.test_load_demo import collection_page_documents, normalize
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    PublishedDocumentFactory,
    png_upload,
)

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    html = response.text
    return normalize(html_to_text(html[html.index("<main") : html.index("</main>")]))


def dated(collection, *dates, **fields):
    documents = [PublishedDocumentFactory(date_entered=d, **fields) for d in dates]
    collection.documents.add(*documents)
    return documents


def test_index_lists_active_collections_with_image_description_and_published_count(client):
    cold_war = CollectionFactory(
        title="Cold War Origins", short_description="Sources on 1945-1950.", image=png_upload()
    )
    dated(cold_war, "1946-03-05", "1947-06-05")
    cold_war.documents.add(DocumentFactory())  # a draft is not counted
    CollectionFactory(title="Hidden Papers", active=False)

    response = client.get("/collections/")

    text = page_text(response)
    assert "Cold War Origins Sources on 1945-1950. 2 documents" in text
    assert "Hidden Papers" not in text
    assert re.search(r'<img src="/media/collections/[^"]+" alt=""', response.text)


def test_demo_collection_page_lists_the_reference_documents_in_date_order(settings, client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False

    response = client.get("/collections/sino-soviet-relations/")

    text = page_text(response)
    listed = collection_page_documents()
    for date, title, summary in listed:
        assert f"{date} {title} {summary}" in text
    positions = [text.index(title) for _, title, _ in listed]
    assert positions == sorted(positions)
    # The description keeps its links: to the essay and to the five sub-collections.
    assert '"The Sino-Soviet Alliance, 70 Years Later"</a>' in response.text
    assert '<a href="/collections/sino-soviet-split-1960-1984/">' in response.text
    assert "Sub-collections" in text and "Sino-Soviet Rapprochement, 1985-1989" in text


def test_collection_page_shows_parent_children_related_image_and_caption(client):
    parent = CollectionFactory(title="Korean War")
    collection = CollectionFactory(
        title="Armistice Talks",
        parent=parent,
        description='<p>See <a href="https://example.org/essay">the essay</a>.</p>',
        image=png_upload(),
        image_alt="Delegates at Panmunjom",
        image_caption="Panmunjom, 1953.",
    )
    CollectionFactory(title="POW Repatriation", parent=collection)
    CollectionFactory(title="Secret Annex", parent=collection, active=False)
    collection.related_collections.add(
        CollectionFactory(title="Chinese Volunteers"), CollectionFactory(title="Off", active=False)
    )

    response = client.get(collection.get_absolute_url())

    text = page_text(response)
    assert "Part of Korean War" in text
    assert re.search(r'<a href="https://example.org/essay"[^>]*>the essay</a>', response.text)
    assert 'alt="Delegates at Panmunjom"' in response.text
    assert "Panmunjom, 1953." in text
    assert "Sub-collections POW Repatriation" in text
    assert "Related collections Chinese Volunteers" in text
    assert "Secret Annex" not in text and "Off" not in text


def test_documents_are_paginated_by_date_and_sortable_newest_first(client):
    collection = CollectionFactory()
    years = [f"{1950 + n}-01-01" for n in range(30)]
    dated(collection, *reversed(years), summary="One sentence.")
    url = collection.get_absolute_url()

    oldest = page_text(client.get(url))
    newest = page_text(client.get(url, {"sort": "newest"}))
    second = client.get(url, {"sort": "newest", "page": "2"})

    assert "Documents (30)" in oldest
    assert oldest.index("January 01, 1950") < oldest.index("January 01, 1951")
    assert "January 01, 1979" not in oldest  # on page 2
    assert newest.index("January 01, 1979") < newest.index("January 01, 1978")
    assert "Page 2 of 2" in page_text(second)
    assert "January 01, 1950" in page_text(second)
    assert 'href="?sort=newest&amp;page=1"' in second.text  # sorting survives paging
    assert '<label for="sort">Order</label>' in second.text


def test_bad_sort_and_page_give_a_page_not_an_error(client):
    collection = CollectionFactory()
    dated(collection, "1950-01-01")

    bad_sort = client.get(collection.get_absolute_url(), {"sort": "sideways'"})
    bad_page = client.get(collection.get_absolute_url(), {"page": "99999"})
    junk_page = client.get(collection.get_absolute_url(), {"page": "x"})

    assert bad_sort.status_code == 200
    assert "There is no order “sideways'”; the documents are shown oldest first." in (
        page_text(bad_sort)
    )
    # Out of range: the last page; not a number: the first.
    assert bad_page.status_code == 200 and "January 01, 1950" in page_text(bad_page)
    assert junk_page.status_code == 200 and "January 01, 1950" in page_text(junk_page)


def test_search_within_the_collection_is_a_labelled_get_form(client):
    collection = CollectionFactory(slug="korean-war")

    html = client.get(collection.get_absolute_url()).text

    form = re.search(r'<form class="search-within"[^>]*>(.*?)</form>', html, re.S)
    assert 'method="get" action="/search/"' in form.group(0)
    assert '<input type="hidden" name="collection" value="korean-war">' in form.group(1)
    assert '<label for="collection-q">Search within this collection</label>' in form.group(1)
    assert '<input id="collection-q" type="search" name="q">' in form.group(1)


def test_collection_page_has_validators_and_unknown_or_inactive_is_404(client):
    collection = CollectionFactory()
    hidden = CollectionFactory(active=False)

    first = client.get(collection.get_absolute_url())
    again = client.get(collection.get_absolute_url(), headers={"If-None-Match": first["ETag"]})

    assert first["Last-Modified"]
    assert again.status_code == 304
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/collections/no-such-thing/").status_code == 404
