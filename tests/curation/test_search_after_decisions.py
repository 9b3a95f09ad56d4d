"""Editors' decisions reach the search index at once: what readers can find follows
what the desk approved and published, through the real services."""

import datetime

import pytest
from django.utils import timezone

from curation import services
from tests import factories
from tests.archive.search.helpers import found

pytestmark = pytest.mark.django_db


def test_a_translation_is_found_once_approved_and_its_withdrawal_hides_it(
    translation, archivist, editor
):
    document = translation.document
    document.status = document.Status.PUBLISHED
    document.save()
    translation.body = "<p>The Politburo discussed the sturgeon quotas.</p>"
    translation.save()

    services.translation_submit(translation=translation, user=archivist)
    assert found("sturgeon") == []

    services.translation_approve(translation=translation, editor=editor)
    assert found("sturgeon") == [document.title]

    services.translation_withdraw(translation=translation, editor=editor, reason="Mistranslated")
    assert found("sturgeon") == []


def test_publishing_unpublishing_and_withdrawing_a_document(ready_document, editor):
    ready_document.title = "Memorandum on the walrus fisheries"
    ready_document.save()
    assert found("walrus") == []

    services.document_publish(document=ready_document, editor=editor)
    assert found("walrus") == [ready_document.title]

    services.document_unpublish(document=ready_document, editor=editor)
    assert found("walrus") == []

    services.document_publish(document=ready_document, editor=editor)
    services.document_withdraw(document=ready_document, editor=editor, reason="Duplicate record")
    assert found("walrus") == []


def test_scheduled_publication_makes_the_document_findable(ready_document, editor):
    ready_document.title = "Note on the narwhal census"
    ready_document.save()
    soon = timezone.now() + datetime.timedelta(hours=1)
    services.document_schedule(document=ready_document, editor=editor, publish_at=soon)

    services.documents_publish_scheduled(now=soon - datetime.timedelta(minutes=1))
    assert found("narwhal") == []

    services.documents_publish_scheduled(now=soon)
    assert found("narwhal") == [ready_document.title]


def test_a_record_deleted_at_the_desk_leaves_the_results(ready_document, editor):
    ready_document.title = "Letter about the beluga"
    ready_document.save()
    services.document_publish(document=ready_document, editor=editor)
    factories.TopicFactory()  # unrelated records stay
    assert found("beluga") == [ready_document.title]

    ready_document.delete()

    assert found("beluga") == []
