"""The browse pages' maintained listings and counts (archive/listings.py): every change
leaves them exactly as a rebuild from the records would, and the pages show them."""

import pytest
from django.db import transaction

from archive.listings import rebuild_listings
from archive.models import Document, Listing, ListingCount, ListingKind, Translation
from curation import services
from curation.import_files import read_import_file
from curation.imports import ImportOptions, documents_import
from tests import factories

pytestmark = pytest.mark.django_db


def maintained() -> tuple[set, dict]:
    listings = set(
        Listing.objects.values_list("document_id", "kind", "key", "date_earliest", "record_id")
    )
    counted = ListingCount.objects.filter(count__gt=0).values_list("kind", "key", "count")
    counts = {(kind, key): n for kind, key, n in counted}
    return listings, counts


def assert_as_rebuilt() -> None:
    """What the signals kept equals what a rebuild computes from the records."""
    kept = maintained()
    with transaction.atomic():
        rebuild_listings()
        rebuilt = maintained()
        transaction.set_rollback(True)
    assert kept == rebuilt


def count(kind: ListingKind, key: int) -> int:
    return maintained()[1].get((kind, key), 0)


@pytest.fixture
def china():
    china = factories.PlaceFactory(name="China")
    return china, factories.PlaceFactory(name="Beijing", parent=china)


def test_publishing_and_withdrawing_move_every_count(client, china, editor):
    country, city = china
    topic, collection = factories.TopicFactory(), factories.CollectionFactory()
    document = factories.DocumentFactory(date_entered="1962-03-04")
    document.places.add(city)
    document.topics.add(topic)
    document.collections.add(collection)
    assert count(ListingKind.TOPIC, topic.pk) == 0  # a draft is listed nowhere

    document.status = Document.Status.PUBLISHED
    document.save()

    for kind, key in [
        (ListingKind.TOPIC, topic.pk),
        (ListingKind.COLLECTION, collection.pk),
        (ListingKind.PLACE, city.pk),
        (ListingKind.PLACE, country.pk),  # the city's country lists it too
        (ListingKind.YEAR, 1962),
    ]:
        assert count(kind, key) == 1
    assert_as_rebuilt()
    assert "1 document" in client.get("/topics/").text
    assert 'Documents <span class="count">(1)</span>' in client.get(f"/places/{country.slug}/").text

    services.document_withdraw(document=document, editor=editor, reason="A mistake")

    assert count(ListingKind.TOPIC, topic.pk) == count(ListingKind.PLACE, country.pk) == 0
    assert_as_rebuilt()
    assert topic.name not in client.get("/topics/").text


def test_relations_changed_from_either_side(china):
    country, city = china
    topic = factories.TopicFactory()
    documents = factories.PublishedDocumentFactory.create_batch(3)

    topic.documents.add(*documents)
    assert count(ListingKind.TOPIC, topic.pk) == 3
    documents[0].topics.remove(topic)
    assert count(ListingKind.TOPIC, topic.pk) == 2
    topic.documents.clear()
    assert count(ListingKind.TOPIC, topic.pk) == 0
    documents[1].places.add(city, country)  # a document in a city and its country: once
    assert count(ListingKind.PLACE, country.pk) == 1
    documents[1].places.clear()
    assert count(ListingKind.PLACE, country.pk) == 0
    country.documents.add(*documents)
    assert_as_rebuilt()


def test_editing_a_date_moves_the_document_between_years_and_in_each_list():
    topic = factories.TopicFactory()
    early, late = factories.PublishedDocumentFactory.create_batch(2)
    topic.documents.add(early, late)
    late.date_entered = "1970-01-01"
    late.save()
    early.date_entered = "1950-06-01"
    early.save()

    assert count(ListingKind.YEAR, 1965) == 0
    assert count(ListingKind.YEAR, 1950) == count(ListingKind.YEAR, 1970) == 1
    listed = Listing.objects.filter(kind=ListingKind.TOPIC, key=topic.pk)
    assert [row.document_id for row in listed.order_by("date_earliest")] == [early.pk, late.pk]
    assert_as_rebuilt()


def test_translators_count_documents_with_their_approved_text(editor):
    translator = factories.TranslatorFactory()
    document = factories.PublishedDocumentFactory()
    translations = [
        factories.TranslationFactory(document=document, approved_body="<p>Text</p>")
        for _ in range(2)
    ]
    for translation in translations:  # both translations of one document: counted once
        translation.approved_translators.add(translator)
    assert count(ListingKind.TRANSLATOR, translator.pk) == 1

    Translation.objects.filter(pk=translations[0].pk).update(approved_body="")
    assert count(ListingKind.TRANSLATOR, translator.pk) == 1
    translations[1].delete()
    assert count(ListingKind.TRANSLATOR, translator.pk) == 0
    assert_as_rebuilt()


def test_provenance_repository_and_declassifier():
    repository, other = factories.RepositoryFactory(), factories.RepositoryFactory()
    authority = factories.DeclassifyingAuthorityFactory()
    provenance = factories.ProvenanceFactory(
        document=factories.PublishedDocumentFactory(),
        repository=repository,
        declassified_by=authority,
    )
    assert count(ListingKind.REPOSITORY, repository.pk) == 1
    assert count(ListingKind.DECLASSIFIER, authority.pk) == 1

    provenance.repository = other
    provenance.save()
    assert count(ListingKind.REPOSITORY, repository.pk) == 0
    assert count(ListingKind.REPOSITORY, other.pk) == 1
    provenance.delete()
    assert count(ListingKind.REPOSITORY, other.pk) == 0
    assert count(ListingKind.DECLASSIFIER, authority.pk) == 0
    assert_as_rebuilt()


def test_moving_a_place_moves_its_documents_to_the_new_country(china):
    country, city = china
    vietnam = factories.PlaceFactory(name="Vietnam")
    factories.PublishedDocumentFactory().places.add(city)

    city.parent = vietnam
    city.save()

    assert count(ListingKind.PLACE, country.pk) == 0
    assert count(ListingKind.PLACE, vietnam.pk) == 1
    assert_as_rebuilt()


def test_deleting_documents_and_names(china):
    country, city = china
    topic, collection = factories.TopicFactory(), factories.CollectionFactory()
    documents = factories.PublishedDocumentFactory.create_batch(3)
    for document in documents:
        document.topics.add(topic)
        document.places.add(city)
        document.collections.add(collection)

    documents[0].delete()
    assert count(ListingKind.TOPIC, topic.pk) == 2
    Document.objects.filter(pk=documents[1].pk).delete()
    assert count(ListingKind.COLLECTION, collection.pk) == 1
    topic.delete()
    city.delete()
    assert count(ListingKind.PLACE, country.pk) == 0
    assert not ListingCount.objects.filter(kind=ListingKind.TOPIC, key=topic.pk).exists()
    assert_as_rebuilt()


def run_import(text: str, user):
    file = read_import_file(data=text.encode(), name="docs.csv")
    report = documents_import(file=file, user=user, options=ImportOptions(dry_run=False))
    assert report.errors == [] and report.written
    return report


def test_imports_publishing_and_retagging_documents_update_their_counts(archivist, editor):
    factories.RightsStatementFactory(name="Open")
    factories.LanguageFactory(code="en", name="English")
    war, peace = factories.TopicFactory(name="Vietnam War"), factories.TopicFactory(name="Peace")
    header = (
        "record_id,title,date,summary,status,rights_statement,topics,"
        "transcript_language,transcript\n"
    )
    run_import(header + "41,T,1950,S,draft,Open,Vietnam War,en,<p>Text</p>\n", archivist)
    assert count(ListingKind.TOPIC, war.pk) == 0

    run_import(header + "41,T,1950,S,published,Open,Vietnam War,en,<p>Text</p>\n", editor)
    assert count(ListingKind.TOPIC, war.pk) == count(ListingKind.YEAR, 1950) == 1

    run_import(header + "41,T,1951,S,published,Open,Peace,en,<p>Text</p>\n", editor)
    assert count(ListingKind.TOPIC, war.pk) == count(ListingKind.YEAR, 1950) == 0
    assert count(ListingKind.TOPIC, peace.pk) == count(ListingKind.YEAR, 1951) == 1
    assert_as_rebuilt()
