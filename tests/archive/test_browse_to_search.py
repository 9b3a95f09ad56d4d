"""Every browse page's "Search these documents" link opens the search with that filter
set, and the search finds exactly the documents the page lists."""

import re
from html import unescape

import pytest

from tests.factories import (
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

DOCUMENT_LINK = re.compile(r'href="(/documents/\d+/[^"/]+/)"')


def listed_documents(response) -> set[str]:
    assert response.status_code == 200
    html = response.text
    return set(DOCUMENT_LINK.findall(html[html.index("<main") : html.index("</main>")]))


def search_link(response) -> str:
    match = re.search(r'href="([^"]+)">Search these documents</a>', response.text)
    assert match, "the page has no search link"
    return unescape(match.group(1))


@pytest.fixture
def archive():
    """A small archive: each authority has documents, some of them unpublished."""
    asia = PlaceFactory(name="Asia")
    vietnam = PlaceFactory(name="Vietnam", parent=asia)
    topic, funder, repository = TopicFactory(), FunderFactory(), RepositoryFactory()
    translator = TranslatorFactory()
    documents = [
        PublishedDocumentFactory(date_entered="1965"),
        PublishedDocumentFactory(date_entered="1965-03-02"),
        PublishedDocumentFactory(date_entered="1966-01"),
    ]
    draft = DocumentFactory(date_entered="1965-05-01")
    for document in [*documents, draft]:
        document.places.add(vietnam)
        document.topics.add(topic)
        document.funders.add(funder)
        ProvenanceFactory(document=document, repository=repository)
    for document in documents[:2]:
        translation = TranslationFactory(document=document)
        translation.translators.add(translator)
        translation.approved_body = translation.body
        translation.state = translation.State.APPROVED
        translation.keep_approved_credit()
        translation.save()
    return {
        "place": f"/places/{asia.slug}/",
        "topic": f"/topics/{topic.slug}/",
        "funder": f"/funders/{funder.slug}/",
        "repository": f"/repositories/{repository.slug}/",
        "translator": f"/translators/{translator.slug}/",
        "year": "/years/1965/",
    }


@pytest.mark.parametrize("page", ["place", "topic", "funder", "repository", "translator", "year"])
def test_search_link_finds_the_documents_the_page_lists(client, archive, page):
    browse = client.get(archive[page])
    listed = listed_documents(browse)
    assert listed, "the page lists documents"

    results = client.get(search_link(browse))

    assert listed_documents(results) == listed
