"""The OAI-PMH datestamp (`Document.metadata_changed_at`) moves whenever what a record says
changes, so an incremental harvest (`from` = the last harvest) picks up every change:
relations changed from either side, provenance, translations, renamed authorities."""

import datetime

import pytest

from archive.models import Document
from tests.factories import (
    AgentFactory,
    CollectionFactory,
    LanguageFactory,
    PlaceFactory,
    ProvenanceFactory,
    PublishedDocumentFactory,
    TopicFactory,
    TranslationFactory,
)

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def document():
    return PublishedDocumentFactory(title="Cable about the border")


def age(*documents: Document) -> None:
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(metadata_changed_at=LONG_AGO)


def changed(document: Document) -> bool:
    document.refresh_from_db(fields=["metadata_changed_at"])
    return document.metadata_changed_at > LONG_AGO


def harvested_since(client, moment: str) -> str:
    return client.get(
        "/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": moment}
    ).text


def test_an_incremental_harvest_finds_a_record_whose_topic_was_added(client, document):
    other = PublishedDocumentFactory()
    age(document, other)
    since = "2020-01-01"
    assert "noRecordsMatch" in harvested_since(client, since)

    document.topics.add(TopicFactory(name="Border clashes"))

    answer = harvested_since(client, since)
    assert f":{document.record_id}<" in answer
    assert f":{other.record_id}<" not in answer


@pytest.mark.parametrize(
    "relation, make",
    [
        ("topics", TopicFactory),
        ("places", PlaceFactory),
        ("creators", AgentFactory),
        ("collections", CollectionFactory),
        ("original_languages", LanguageFactory),
    ],
)
def test_relations_changed_from_either_side_move_the_datestamp(document, relation, make):
    term = make()
    age(document)
    getattr(document, relation).add(term)
    assert changed(document)

    age(document)
    getattr(document, relation).remove(term)
    assert changed(document)

    # From the other side: the term's documents, added and cleared.
    reverse = getattr(term, Document._meta.get_field(relation).remote_field.get_accessor_name())
    age(document)
    reverse.add(document)
    assert changed(document)
    age(document)
    reverse.clear()
    assert changed(document)


def test_provenance_and_translation_changes_move_the_datestamp(document):
    age(document)
    provenance = ProvenanceFactory(document=document)
    assert changed(document)

    age(document)
    provenance.archival_reference = "PRC FMA 109-00001-01"
    provenance.save()
    assert changed(document)

    translation = TranslationFactory(document=document)
    age(document)
    translation.approved_body = translation.body
    translation.save()
    assert changed(document)


def test_renaming_or_deleting_what_a_record_names_moves_the_datestamp(document):
    topic, untouched = TopicFactory(name="Borders"), PublishedDocumentFactory()
    document.topics.add(topic)
    collection = CollectionFactory(slug="letters")
    child = CollectionFactory(slug="cables", parent=collection)
    document.collections.add(child)
    age(document, untouched)

    topic.name = "Frontiers"
    topic.save()
    assert changed(document)
    assert not changed(untouched)

    # The parent's slug is part of the sub-collection's set spec.
    age(document)
    collection.slug = "correspondence"
    collection.save()
    assert changed(document)

    age(document)
    topic.delete()
    assert changed(document)


def test_saving_the_document_moves_the_datestamp_even_with_update_fields(document):
    age(document)
    document.status = Document.Status.WITHDRAWN
    document.save(update_fields=["status"])
    assert changed(document)


def test_a_bulk_update_of_documents_moves_the_datestamp(document):
    age(document)
    Document.objects.filter(pk=document.pk).update(status=Document.Status.WITHDRAWN)
    assert changed(document)
