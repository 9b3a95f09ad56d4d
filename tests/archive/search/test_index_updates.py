"""The index follows every change: saves, approvals, deletions, relations and bulk writes."""

import pytest
from django.core.management import call_command

from archive.models import Document, Transcript, Translation
from archive.search.index import updates_paused
from tests.factories import (
    PlaceFactory,
    TopicFactory,
    TranscriptFactory,
    TranslationFactory,
    TranslatorFactory,
)

from .conftest import approve
from .helpers import facet_counts, found

pytestmark = pytest.mark.django_db


def test_editing_a_document_updates_the_index(make_document):
    document = make_document(title="Cable about grain")

    document.title = "Cable about steel"
    document.save()

    assert found("grain") == []
    assert found("steel") == ["Cable about steel"]


def test_approving_a_translation_indexes_its_text(make_document, english):
    document = make_document(title="Cable")
    translation = TranslationFactory(document=document, language=english, body="<p>Tractors</p>")
    assert found("tractors") == []

    approve(translation)

    assert found("tractors") == ["Cable"]


def test_deleting_removes_from_the_index(make_document):
    document = make_document(title="Cable", transcript="<p>Bicycles</p>")
    kept = make_document(title="Other cable", transcript="<p>Bicycles</p>")

    document.transcripts.get().delete()
    assert found("bicycles") == ["Other cable"]

    kept.delete()
    assert found("bicycles") == []
    assert found("cable") == ["Cable"]


def test_unpublishing_removes_and_republishing_restores(make_document):
    document = make_document(title="Cable")

    document.status = Document.Status.WITHDRAWN
    document.save()
    assert found("cable") == []

    document.status = Document.Status.PUBLISHED
    document.save()
    assert found("cable") == ["Cable"]


def test_relations_changed_from_either_side(make_document):
    document = make_document(title="Cable")
    topic = TopicFactory(name="Famine relief")

    document.topics.add(topic)
    assert found("famine") == ["Cable"]

    topic.documents.clear()
    assert found("famine") == []

    topic.documents.add(document)
    topic.name = "Drought relief"
    topic.save()
    assert found("famine") == []
    assert found("drought") == ["Cable"]


def test_moving_a_place_moves_its_documents_in_the_place_filter(make_document):
    document = make_document(title="Cable")
    asia, europe = PlaceFactory(name="Asia"), PlaceFactory(name="Europe")
    city = PlaceFactory(name="Vladivostok", parent=europe)
    document.places.add(city)
    assert found(place=europe.slug) == ["Cable"]

    city.parent = asia
    city.save()

    assert found(place=europe.slug) == []
    assert found(place=asia.slug) == ["Cable"]


def test_queryset_update_keeps_the_index_current(make_document):
    make_document(title="First cable")
    make_document(title="Second cable")

    Document.objects.filter(title="First cable").update(status=Document.Status.DRAFT)

    assert found("cable") == ["Second cable"]


def test_translation_update_and_bulk_create_keep_the_index_current(make_document, english):
    document = make_document(title="Cable")
    TranslationFactory(document=document, language=english, body="<p>Submarines</p>")

    Translation.objects.filter(document=document).update(approved_body="<p>Submarines</p>")
    assert found("submarines") == ["Cable"]

    Transcript.objects.bulk_create(
        [Transcript(document=document, language=english, body="<p>Lighthouses</p>")]
    )
    assert found("lighthouses") == ["Cable"]


def test_rebuild_command_recreates_the_index(make_document, english):
    with updates_paused():
        document = make_document(title="Cable", transcript="<p>Harbours</p>")
        TranscriptFactory(document=make_document(title="Other"), language=english)
    assert found("harbours") == []

    call_command("rebuild_search_index", verbosity=0)

    assert found("harbours") == [document.title]
    assert sorted(found(sort="date", date_from="1900")) == ["Cable", "Other"]


def test_deleting_a_topic_or_translator_updates_its_documents(make_document, english):
    document = make_document(title="Cable")
    topic = TopicFactory(name="Famine relief")
    document.topics.add(topic)
    translator = TranslatorFactory()
    translation = TranslationFactory(document=document, language=english)
    translation.translators.add(translator)
    approve(translation)
    translator_key = f"tr{translator.pk}"
    assert found(topic=topic.slug) == ["Cable"]
    assert facet_counts("cable")[translator_key] == 1

    topic.delete()
    translator.delete()

    assert found("famine") == []
    assert facet_counts("cable")[translator_key] == 0
