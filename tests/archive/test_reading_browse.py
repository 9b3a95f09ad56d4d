"""Browse by place, topic, translator, funder, repository and year; and the home page."""

import datetime
import re

import pytest

from archive.richtext import html_to_text
from tests.curation.test_load_demo import normalize
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    FunderFactory,
    PlaceFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    RepositoryFactory,
    TopicFactory,
    TranslationFactory,
    TranslatorFactory,
)

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    assert response.status_code == 200
    html = response.text
    return normalize(html_to_text(html[html.index("<main") : html.index("</main>")]))


def test_place_page_includes_documents_of_places_inside_it(client):
    asia = PlaceFactory(name="Asia")
    vietnam = PlaceFactory(name="Vietnam", parent=asia)
    hanoi = PlaceFactory(name="Hanoi", parent=vietnam)
    about_vietnam = PublishedDocumentFactory(title="Cable about Vietnam", date_entered="1965")
    about_hanoi = PublishedDocumentFactory(title="Cable from Hanoi", date_entered="1967")
    draft = DocumentFactory(title="Draft about Hanoi")
    about_vietnam.places.add(vietnam)
    about_hanoi.places.add(hanoi, vietnam)  # listed once, though tagged twice
    draft.places.add(hanoi)

    response = client.get("/places/vietnam/")

    text = page_text(response)
    assert "Places › Asia" in text
    assert "Places inside Vietnam Hanoi" in text
    assert "Documents (2)" in text
    assert text.index("Cable about Vietnam") < text.index("Cable from Hanoi")
    assert "Draft about Hanoi" not in text
    assert 'href="/search/?place=vietnam">Search these documents</a>' in response.text
    assert "Cable from Hanoi" in page_text(client.get("/places/hanoi/"))


def test_places_index_counts_published_documents_inside_each_place(client):
    vietnam = PlaceFactory(name="Vietnam")
    hanoi = PlaceFactory(name="Hanoi", parent=vietnam)
    PlaceFactory(name="Nowhere")
    PublishedDocumentFactory().places.add(hanoi)
    PublishedDocumentFactory().places.add(vietnam, hanoi)
    DocumentFactory().places.add(vietnam)

    text = page_text(client.get("/places/"))

    assert "Hanoi (Vietnam) 2 documents" in text
    assert "Vietnam 2 documents" in text
    assert "Nowhere" not in text  # nothing published to show there


@pytest.mark.parametrize(
    ("kind", "parameter", "make", "attach"),
    [
        ("topics", "topic", TopicFactory, lambda d, t: d.topics.add(t)),
        ("funders", "funder", FunderFactory, lambda d, f: d.funders.add(f)),
        (
            "repositories",
            "repository",
            RepositoryFactory,
            lambda d, r: ProvenanceFactory(document=d, repository=r),
        ),
    ],
)
def test_authority_pages_list_published_documents_and_link_to_search(
    client, kind, parameter, make, attach
):
    authority = make(name="Korean War Sources")
    attach(PublishedDocumentFactory(title="Telegram on the armistice"), authority)
    attach(DocumentFactory(title="Unpublished telegram"), authority)

    index = page_text(client.get(f"/{kind}/"))
    response = client.get(f"/{kind}/{authority.slug}/")

    assert "Korean War Sources 1 document" in index
    text = page_text(response)
    assert "Korean War Sources" in text
    assert "Telegram on the armistice" in text
    assert "Unpublished telegram" not in text
    assert f'href="/search/?{parameter}={authority.slug}">Search these documents</a>' in (
        response.text
    )
    assert client.get(f"/{kind}/no-such-slug/").status_code == 404


def test_translator_page_lists_their_published_translations(client):
    cowhig = TranslatorFactory(name="David Cowhig", affiliation="Independent translator")
    approved = TranslationFactory(
        document=PublishedDocumentFactory(title="Cable on Soviet practices"),
        approved_body="<p>Approved</p>",
    )
    in_review = TranslationFactory(document=PublishedDocumentFactory(title="Cable in review"))
    of_a_draft = TranslationFactory(
        document=DocumentFactory(title="Draft cable"), approved_body="<p>Approved</p>"
    )
    for translation in (approved, in_review, of_a_draft):
        translation.translators.add(cowhig)
        if translation.approved_body:  # as approval does
            translation.keep_approved_credit()

    text = page_text(client.get("/translators/david-cowhig/"))

    assert "Affiliation Independent translator" in text
    assert "Cable on Soviet practices" in text
    assert "Cable in review" not in text and "Draft cable" not in text
    assert "David Cowhig 1 document" in page_text(client.get("/translators/"))


def test_year_timeline_counts_documents_and_links_each_year(client):
    for date in ("1950-01-07", "1950-06", "1951", "1965-05-30"):
        PublishedDocumentFactory(date_entered=date)
    DocumentFactory(date_entered="1952")
    PublishedDocumentFactory(date_entered="undated")

    response = client.get("/years/")

    text = page_text(response)
    assert "1950s 1950 2 documents 1951 1 document" in text
    assert "1960s 1965 1 document" in text
    assert "1952" not in text
    assert '<a href="/years/1950/">1950</a>' in response.text
    year = page_text(client.get("/years/1950/"))
    assert "Documents from 1950" in year and "Documents (2)" in year
    assert 'href="/search/?date_from=1950&amp;date_to=1950"' in client.get("/years/1950/").text
    assert client.get("/years/0/").status_code == 404
    assert client.get("/years/10000/").status_code == 404


def test_home_has_search_featured_collections_and_recent_documents(client):
    featured = CollectionFactory(title="Sino-Soviet Relations", featured=True)
    CollectionFactory(title="Not featured")
    CollectionFactory(title="Featured but inactive", featured=True, active=False)
    featured.documents.add(PublishedDocumentFactory())
    now = datetime.datetime.now(datetime.UTC)
    PublishedDocumentFactory(title="Older upload", first_published_at=now - datetime.timedelta(1))
    PublishedDocumentFactory(title="Newest upload", first_published_at=now)
    DocumentFactory(title="Draft upload")

    response = client.get("/")

    text = page_text(response)
    form = re.search(r'<form class="home-search"[^>]*>.*?</form>', response.text, re.S).group(0)
    assert 'method="get" action="/search/"' in form
    assert '<label for="home-q">Search the archive</label>' in form
    assert 'name="q"' in form
    assert "Featured collections Sino-Soviet Relations" in text
    assert "1 document" in text
    assert "Not featured" not in text and "inactive" not in text
    assert text.index("Newest upload") < text.index("Older upload")
    assert "Draft upload" not in text


def test_browse_index_links_every_way_in(client):
    html = client.get("/browse/").text

    for path in ("/collections/", "/places/", "/topics/", "/years/", "/translators/"):
        assert f'href="{path}"' in html
    assert 'href="/funders/"' in html and 'href="/repositories/"' in html
