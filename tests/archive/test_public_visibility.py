"""Only published documents and active collections reach readers: pages, lists, counts,
related lists and scan files. A withdrawn document answers 410 with its tombstone."""

import importlib

import pytest
from django.urls import clear_url_caches

from archive.models import Document
from tests.factories import (
    CollectionFactory,
    DocumentFactory,
    PlaceFactory,
    PublishedDocumentFactory,
    ScanFactory,
    TopicFactory,
    pdf_upload,
    png_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn():
    document = PublishedDocumentFactory(title="Cable later found to be a forgery")
    document.status = Document.Status.WITHDRAWN
    document.withdrawal_reason = "The original was shown to be a 1990s forgery."
    document.save()
    return document


def test_draft_document_is_404_everywhere(client):
    draft = DocumentFactory(title="Draft cable")
    ScanFactory(document=draft, position=1)
    base = f"/documents/{draft.record_id}"

    for url in (
        f"{base}/",
        f"{base}/{draft.slug}/",
        f"{base}/citation.ris",
        f"{base}/scans/1/",
        f"{base}/scans/1/web/",
        f"{base}/scans/1/thumbnail/",
    ):
        assert client.get(url).status_code == 404, url


def test_withdrawn_document_answers_410_with_title_citation_and_reason(client, withdrawn):
    ScanFactory(document=withdrawn, position=1)

    response = client.get(f"/documents/{withdrawn.record_id}/", follow=True)

    assert response.status_code == 410
    assert "Cable later found to be a forgery" in response.text
    assert "This document has been withdrawn" in response.text
    assert "The original was shown to be a 1990s forgery." in response.text
    assert (
        f"&quot;Cable later found to be a forgery,&quot; May 30, 1965, "
        f"History and Public Policy Program Digital Archive. "
        f"http://testserver/documents/{withdrawn.record_id}/"
    ) in response.text
    assert client.get(f"/documents/{withdrawn.record_id}/scans/1/").status_code == 404


def test_unpublished_documents_are_left_out_of_lists_counts_and_related(client, withdrawn):
    place, topic = PlaceFactory(name="Hanoi"), TopicFactory(name="Diplomacy")
    collection = CollectionFactory(title="Vietnam War")
    published = PublishedDocumentFactory(title="Published cable")
    draft = DocumentFactory(title="Draft cable")
    for document in (published, draft, withdrawn):
        document.places.add(place)
        document.topics.add(topic)
        collection.documents.add(document)
    published.related_documents.add(draft, withdrawn)
    published.attachments.add(draft)

    pages = {
        "home": client.get("/"),
        "collections": client.get("/collections/"),
        "collection": client.get(collection.get_absolute_url()),
        "document": client.get(published.get_absolute_url()),
        "place": client.get("/places/hanoi/"),
        "topic": client.get("/topics/diplomacy/"),
        "places": client.get("/places/"),
        "years": client.get("/years/"),
    }

    for name, response in pages.items():
        assert "Draft cable" not in response.text, name
        assert "forgery" not in response.text, name
    assert "1 document" in pages["collections"].text
    assert "Hanoi" in pages["places"].text and "1 document" in pages["places"].text
    assert "1 document" in pages["years"].text
    assert "Related documents" not in pages["document"].text
    assert "Attachments" not in pages["document"].text


def test_inactive_collections_are_hidden_everywhere(client):
    hidden = CollectionFactory(title="Hidden collection", active=False, featured=True)
    shown = CollectionFactory(title="Shown collection", parent=hidden)
    shown.related_collections.add(hidden)
    document = PublishedDocumentFactory()
    document.collections.add(hidden, shown)

    assert client.get(hidden.get_absolute_url()).status_code == 404
    for url in ("/", "/collections/", shown.get_absolute_url(), document.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "Hidden collection" not in response.text, url


@pytest.fixture
def debug_urls(settings):
    """The URLconf as a development site (DEBUG) builds it, which serves media."""
    import config.urls

    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(config.urls)
    yield
    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(config.urls)


def test_media_url_is_no_way_around_the_published_check(client, debug_urls):
    draft = DocumentFactory()
    scan = ScanFactory(document=draft, file=pdf_upload())
    image = ScanFactory(document=draft)
    collection = CollectionFactory(image=png_upload())

    for name in (scan.file.name, image.web_image.name, image.thumbnail.name):
        assert name.startswith("scans/")
        assert client.get(f"/media/{name}").status_code == 404, name
    # Other media (collection images) are still served on a development site.
    assert client.get(f"/media/{collection.image.name}").status_code == 200
