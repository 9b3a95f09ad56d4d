"""Opening a record in the admin and saving it unchanged changes nothing (issue 13, item 2).

The document below is as old data has it: an approved translation and a submitted one whose
stored bodies end in a newline (written before rich text had one normal form), links made
from the other side, and a browser sending every line break back as CRLF.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive.models import Document, Translation
from curation import selectors, services
from curation.models import ReviewEntry
from tests import factories
from tests.curation.admin_forms import admin_form_data
from tests.curation.conftest import client_for

pytestmark = pytest.mark.django_db

State = Translation.State


def change_url(obj) -> str:
    return reverse(f"admin:archive_{obj._meta.model_name}_change", args=[obj.pk])


def as_a_browser_sends_it(data: dict) -> dict:
    """A browser submits a textarea's line breaks as CRLF."""
    return {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in data.items()}


def written_before_normal_form(translation: Translation, **columns) -> None:
    """Store text as older code and imports did: ending in a newline, no history (in SQL,
    since the field now writes the normal form whichever way it is saved)."""
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE archive_translation SET {assignments} WHERE id = %s",
            [*columns.values(), translation.pk],
        )


@pytest.fixture
def document(ready_document, archivist, editor, second_editor):
    document = ready_document
    services.document_publish(document=document, editor=editor)
    document.topics.add(factories.TopicFactory())
    document.places.add(factories.PlaceFactory())
    document.collections.add(factories.CollectionFactory())
    factories.ScanFactory(document=document)
    factories.ProvenanceFactory(document=document)
    factories.DocumentFactory().related_documents.add(document)  # linked from the other side

    approved = factories.TranslationFactory(document=document, body="<p>Approved.</p>")
    approved.translators.add(factories.TranslatorFactory())
    services.translation_submit(translation=approved, user=archivist)
    services.translation_approve(translation=approved, editor=second_editor)
    written_before_normal_form(
        approved, body="<p>Approved.</p>\n", approved_body="<p>Approved.</p>\n"
    )

    submitted = factories.TranslationFactory(document=document, body="<p>Under review.</p>")
    services.translation_submit(translation=submitted, user=archivist)
    written_before_normal_form(submitted, body="<p>Under review.</p>\n<p>Second.</p>\n")
    return Document.objects.get(pk=document.pk)


def snapshot(document: Document) -> dict:
    translations = document.translations.order_by("pk")
    return {
        "document": Document.objects.filter(pk=document.pk).values().get(),
        "translations": list(translations.values()),
        "translators": list(translations.values_list("pk", "translators")),
        "document versions": Document.history.count(),
        "translation versions": Translation.history.count(),
        "review entries": ReviewEntry.objects.count(),
        "review queue": [t.pk for t in selectors.review_queue()],
    }


def index_writes(queries) -> list[str]:
    """Statements that wrote the search index (its tables are all named archive_search…)."""
    writes = ("INSERT", "DELETE", "UPDATE")
    return [
        q["sql"]
        for q in queries
        if "archive_search" in q["sql"] and q["sql"].lstrip().upper().startswith(writes)
    ]


@pytest.mark.parametrize("role", ["archivist", "editor"])
def test_saving_a_document_unchanged_changes_nothing(request, role, document):
    client = client_for(request.getfixturevalue(role))
    before = snapshot(document)
    assert before["review queue"], "the submitted translation is waiting for an editor"

    opened = client.get(change_url(document))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(change_url(document), as_a_browser_sends_it(admin_form_data(opened)))

    assert response.status_code == 302, response.context and response.context["errors"]
    after = snapshot(document)
    assert after == before  # states, texts, timestamps, versions, revisions, review queue
    assert index_writes(queries.captured_queries) == []


def test_saving_a_translation_unchanged_on_its_own_page_changes_nothing(editor, document):
    client = client_for(editor)
    approved = document.translations.get(state=State.APPROVED)
    before = snapshot(document)
    opened = client.get(change_url(approved))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(change_url(approved), as_a_browser_sends_it(admin_form_data(opened)))
    assert response.status_code == 302
    assert snapshot(document) == before
    assert index_writes(queries.captured_queries) == []


def test_a_real_edit_is_still_a_new_revision_with_one_version(archivist, document):
    client = client_for(archivist)
    approved = document.translations.get(state=State.APPROVED)
    versions = approved.history.count()
    opened = client.get(change_url(document))
    rows = opened.context["inline_admin_formsets"][-1].formset.forms
    index = next(i for i, row in enumerate(rows) if row.instance.pk == approved.pk)
    data = admin_form_data(opened, **{f"translations-{index}-body": "<p>Approved, revised.</p>"})
    assert client.post(change_url(document), as_a_browser_sends_it(data)).status_code == 302

    approved.refresh_from_db()
    assert approved.state == State.DRAFT
    assert approved.approved_body == "<p>Approved.</p>"  # readers keep the approved text
    assert approved.history.count() == versions + 1
    assert approved.review_entries.filter(action=ReviewEntry.Action.REVISED).count() == 1
    # The submitted translation was not touched.
    assert document.translations.get(state=State.SUBMITTED).body.endswith("\n")


def test_changing_links_keeps_one_version_with_the_final_links(archivist, document):
    client = client_for(archivist)
    topic = factories.TopicFactory()
    versions = document.history.count()
    opened = client.get(change_url(document))
    topics = [*opened.context["adminform"].form["topics"].value(), topic.pk]
    response = client.post(change_url(document), admin_form_data(opened, topics=topics))
    assert response.status_code == 302

    assert document.history.count() == versions + 1
    latest = document.history.first()
    assert latest.history_user == archivist
    assert latest.diff_against(latest.prev_record).changed_fields == ["topics"]
    assert topic.pk in latest.topics.values_list("topic", flat=True)
