"""Pinned query counts: every public page costs the same few queries whether it lists one
record or hundreds (document page ≤ 10, list pages ≤ 12)."""

import datetime

import pytest

from archive.models import Agent, Document, Language, Place, Topic, Translator, next_record_id
from archive.versions import record_approved_version
from tests.factories import (
    CollectionFactory,
    FunderFactory,
    PlaceFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    RepositoryFactory,
    ScanFactory,
    TopicFactory,
    TranscriptFactory,
    TranslationFactory,
    TranslatorFactory,
)

pytestmark = pytest.mark.django_db

DOCUMENT_PAGE = 9
NOW = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)


def bulk_documents(count: int) -> list[Document]:
    """Published documents without a save() each, for lists hundreds long."""
    first = next_record_id()
    documents = []
    for n in range(count):
        document = Document(
            record_id=first + n,
            slug=f"bulk-document-{first + n}",
            title=f"Bulk document {n}",
            summary="One sentence.",
            date_entered=f"{1900 + n % 100}-01-{1 + n % 28:02d}",
            status=Document.Status.PUBLISHED,
            first_published_at=NOW,
        )
        document.apply_date()
        documents.append(document)
    return Document.objects.bulk_create(documents)


def document_with(count: int) -> Document:
    """A document with `count` of everything its page lists."""
    document = PublishedDocumentFactory()
    ProvenanceFactory(document=document)
    document.places.add(*[PlaceFactory() for _ in range(count)])
    document.topics.add(*[TopicFactory() for _ in range(count)])
    document.funders.add(*[FunderFactory() for _ in range(count)])
    agents = Agent.objects.bulk_create(Agent(name=f"Agent {n}", slug=f"a{n}") for n in range(count))
    document.creators.add(*agents)
    document.recipients.add(*agents)
    languages = Language.objects.bulk_create(
        Language(code=f"x{n}", name=f"Language {n}") for n in range(count)
    )
    document.original_languages.add(*languages)
    for language in languages:
        translation = TranslationFactory(
            document=document, language=language, approved_body="<p>Approved text</p>"
        )
        translation.translators.add(TranslatorFactory(), TranslatorFactory())
        translation.keep_approved_credit()  # as approval does
        translation.save()
        record_approved_version(translation)
        TranscriptFactory(document=document, language=language)
    for position in range(1, count + 1):
        ScanFactory(document=document, position=position)
    others = bulk_documents(count)
    document.related_documents.add(*others)
    document.attachments.add(*others)
    document.collections.add(*[CollectionFactory() for _ in range(count)])
    return document


@pytest.mark.parametrize("count", [1, 50])
def test_document_page(client, django_assert_num_queries, count):
    document = document_with(count)

    with django_assert_num_queries(DOCUMENT_PAGE):
        response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert response.text.count('class="reader-panel"') == 2 * count + 1
    assert response.text.count('<figure class="scan">') == count


@pytest.mark.parametrize("count", [1, 50])
def test_citation_download(client, django_assert_num_queries, count):
    document = document_with(count)

    with django_assert_num_queries(DOCUMENT_PAGE):
        response = client.get(f"/documents/{document.record_id}/citation.ris")

    assert response.content.decode().count("AU  - ") == count


def test_scan_file(client, django_assert_num_queries):
    scan = ScanFactory(document=PublishedDocumentFactory())

    with django_assert_num_queries(1):
        response = client.get(f"/documents/{scan.document.record_id}/scans/{scan.position}/")

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 500])
def test_collection_page(client, django_assert_num_queries, count):
    collection = CollectionFactory(parent=CollectionFactory())
    collection.documents.add(*bulk_documents(count))
    for _ in range(3):
        CollectionFactory(parent=collection)
        collection.related_collections.add(CollectionFactory())

    with django_assert_num_queries(4):
        response = client.get(collection.get_absolute_url(), {"sort": "newest"})

    assert response.text.count('class="document-date"') == min(count, 25)


@pytest.mark.parametrize("count", [1, 60])
def test_home_and_collection_index(client, django_assert_num_queries, count):
    for collection in [CollectionFactory(featured=True) for _ in range(count)]:
        collection.documents.add(*bulk_documents(2))

    with django_assert_num_queries(2):
        home = client.get("/")
    with django_assert_num_queries(2):
        index = client.get("/collections/")

    assert home.text.count("2 documents") == count
    assert index.text.count("2 documents") == count


def tagged(count: int, relation: str, value) -> None:
    for document in bulk_documents(count):
        getattr(document, relation).add(value)


@pytest.mark.parametrize("count", [1, 60])
def test_browse_pages(client, django_assert_num_queries, count):
    place = PlaceFactory(name="Vietnam")
    inside = [PlaceFactory(parent=place) for _ in range(3)]
    topic, funder = TopicFactory(), FunderFactory()
    repository, translator = RepositoryFactory(), TranslatorFactory()
    for document in bulk_documents(count):
        document.places.add(inside[0])
        document.topics.add(topic)
        document.funders.add(funder)
        ProvenanceFactory(document=document, repository=repository)
        translation = TranslationFactory(document=document, approved_body="<p>Text</p>")
        translation.translators.add(translator)
        translation.keep_approved_credit()  # as approval does
    # Many names in each index, too.
    Place.objects.bulk_create(Place(name=f"Town {n}", slug=f"town-{n}") for n in range(count))
    Topic.objects.bulk_create(Topic(name=f"Subject {n}", slug=f"subject-{n}") for n in range(count))
    Translator.objects.bulk_create(
        Translator(name=f"Person {n}", slug=f"person-{n}") for n in range(count)
    )

    pages = {
        "/browse/": 0,
        "/places/": 2,
        f"/places/{place.slug}/": 3,
        "/topics/": 2,
        f"/topics/{topic.slug}/": 2,
        "/translators/": 2,
        f"/translators/{translator.slug}/": 3,
        "/funders/": 2,
        f"/funders/{funder.slug}/": 2,
        "/repositories/": 2,
        f"/repositories/{repository.slug}/": 2,
        "/years/": 1,  # the maintained counts of the years
        "/years/1900/": 2,
    }
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, url
    assert (
        f'Documents <span class="count">({count})</span>'
        in client.get(f"/places/{place.slug}/").text
    )
