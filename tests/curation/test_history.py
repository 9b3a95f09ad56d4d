"""History: every create, change and delete kept with who and what; revert; activity."""

import pytest
from django.test import Client
from django.urls import reverse

from archive.models import Document, Translation
from curation import services
from tests import factories
from tests.curation.admin_forms import admin_form_data, changelist_form_data
from tests.curation.conftest import client_for

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    return reverse(f"admin:archive_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj) -> str:
    return reverse(f"admin:archive_{obj._meta.model_name}_history", args=[obj.pk])


def revert_url(obj, record) -> str:
    return reverse(
        f"admin:archive_{obj._meta.model_name}_simple_history", args=[obj.pk, record.history_id]
    )


@pytest.fixture
def document(ready_document):
    translation = factories.TranslationFactory(document=ready_document, body="<p>First.</p>")
    translation.translators.add(factories.TranslatorFactory())
    return ready_document


def test_an_admin_change_is_kept_with_who_and_what(archivist_client, archivist, document):
    topic = factories.TopicFactory()
    opened = archivist_client.get(change_url(document))
    archivist_client.post(
        change_url(document), admin_form_data(opened, title="Renamed", topics=[topic.pk])
    )
    records = list(document.history.order_by("history_date"))
    assert records[0].history_type == "+"
    changes = [r for r in records if r.history_user == archivist]
    assert changes, "the archivist's save is in the history"
    delta = records[-1].diff_against(records[0])
    assert {"title", "topics"} <= set(delta.changed_fields)


def test_changes_through_an_inline_are_kept(archivist_client, archivist, document):
    opened = archivist_client.get(change_url(document))
    archivist_client.post(
        change_url(document), admin_form_data(opened, **{"translations-0-body": "<p>Second.</p>"})
    )
    translation = document.translations.get()
    latest = translation.history.first()
    assert latest.history_user == archivist
    assert latest.body == "<p>Second.</p>"
    assert latest.diff_against(latest.prev_record).changed_fields == ["body"]


def test_a_delete_is_kept(editor_client, editor, document):
    pk = document.pk
    editor_client.post(reverse("admin:archive_document_delete", args=[pk]), {"post": "yes"})
    assert not Document.objects.filter(pk=pk).exists()
    deleted = Document.history.filter(id=pk).first()
    assert (deleted.history_type, deleted.history_user) == ("-", editor)
    # Its translation went with it, and that is kept too.
    assert Translation.history.filter(document_id=pk, history_type="-").exists()


def test_bulk_actions_keep_one_entry_per_record(editor_client, editor, document):
    other = factories.DocumentFactory(rights_statement=factories.RightsStatementFactory())
    factories.ScanFactory(document=other)
    editor_client.post(
        reverse("admin:archive_document_changelist"),
        {"action": "publish_selected", "_selected_action": [document.pk, other.pk]},
    )
    for doc in (document, other):
        latest = doc.history.first()
        assert (latest.status, latest.history_user, latest.history_change_reason) == (
            "published",
            editor,
            "Published",
        )


def test_bulk_delete_keeps_each_record(editor_client, editor):
    collections = factories.CollectionFactory.create_batch(3)
    editor_client.post(
        reverse("admin:archive_collection_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [c.pk for c in collections],
            "post": "yes",
        },
    )
    from archive.models import Collection

    assert Collection.history.filter(history_type="-", history_user=editor).count() == 3


def test_every_review_and_publishing_action_is_in_the_history(
    document, archivist, editor, second_editor
):
    translation = document.translations.get()
    services.translation_submit(translation=translation, user=archivist)
    services.translation_request_changes(translation=translation, editor=editor, comment="x")
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=editor)
    services.translation_withdraw(translation=translation, editor=second_editor, reason="Rights")
    steps = [
        (r.history_change_reason, r.history_user, r.state)
        for r in translation.history.order_by("history_date")
        if r.history_type == "~" and r.history_user is not None
    ]
    assert steps == [
        ("Submitted for review", archivist, "submitted"),
        ("Changes requested", editor, "changes_requested"),
        ("Submitted for review", archivist, "submitted"),
        ("Approved", editor, "approved"),
        ("Withdrawn: Rights", second_editor, "draft"),
    ]

    services.document_publish(document=document, editor=editor)
    services.document_withdraw(document=document, editor=editor, reason="Error")
    reasons = [r.history_change_reason for r in document.history.order_by("history_date")]
    assert reasons[-2:] == ["Published", "Withdrawn: Error"]


def test_the_history_page_shows_the_differences(archivist_client, editor, document):
    document.title = "Second title"
    document._history_user = editor
    document.save()
    response = archivist_client.get(history_url(document))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Second title" in page and "edith" in page
    # An archivist may look but not revert.
    assert response.context["revert_disabled"] is True


def test_an_editor_reverts_and_the_revert_is_recorded(editor_client, editor, archivist, document):
    original_title = document.title
    first = document.history.earliest("history_date")
    document.title = "A mistaken title"
    document._history_user = archivist
    document.save()

    opened = editor_client.get(revert_url(document, first))
    assert opened.status_code == 200
    response = editor_client.post(revert_url(document, first), admin_form_data(opened))
    assert response.status_code == 302

    document.refresh_from_db()
    assert document.title == original_title
    latest = document.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == f"Reverted to version {first.history_id}"


def test_an_archivists_revert_is_refused(archivist_client, editor_client, archivist, document):
    first = document.history.earliest("history_date")
    document.title = "Kept title"
    document.save()
    data = admin_form_data(editor_client.get(revert_url(document, first)))
    response = archivist_client.post(revert_url(document, first), data)
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.title == "Kept title"


def test_an_anonymous_revert_is_refused(client, editor_client, document):
    first = document.history.earliest("history_date")
    document.title = "Kept title"
    document.save()
    data = admin_form_data(editor_client.get(revert_url(document, first)))
    response = client.post(revert_url(document, first), data)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    document.refresh_from_db()
    assert document.title == "Kept title"


def test_a_revert_does_not_change_the_publication_state(editor_client, editor, document):
    draft_version = document.history.earliest("history_date")
    services.document_publish(document=document, editor=editor)
    opened = editor_client.get(revert_url(document, draft_version))
    editor_client.post(revert_url(document, draft_version), admin_form_data(opened))
    document.refresh_from_db()
    assert document.status == Document.Status.PUBLISHED


def test_reverting_an_approved_translation_starts_a_new_revision(
    editor_client, archivist, editor, second_editor, document
):
    translation = document.translations.get()
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=second_editor)
    first = translation.history.earliest("history_date")
    translation.refresh_from_db()
    translation.body = "<p>Approved later.</p>"
    translation.save()
    Translation.objects.filter(pk=translation.pk).update(approved_body="<p>Approved later.</p>")

    opened = editor_client.get(revert_url(translation, first))
    editor_client.post(
        revert_url(translation, first), admin_form_data(opened, body="<p>First.</p>")
    )
    translation.refresh_from_db()
    assert translation.body == "<p>First.</p>"
    assert translation.state == Translation.State.DRAFT
    assert translation.approved_body == "<p>Approved later.</p>"  # readers keep it


def test_the_activity_page_is_for_editors(editor_client, archivist_client, document):
    url = reverse("curation:activity")
    assert archivist_client.get(url).status_code == 403
    assert Client().get(url).status_code == 302
    response = editor_client.get(url)
    assert response.status_code == 200
    items = response.context["activity"]
    assert items and items == sorted(items, key=lambda a: a.when, reverse=True)
    assert document.title in response.content.decode()


def test_the_activity_page_costs_the_same_however_much_happened(
    editor_client, editor, django_assert_num_queries
):
    url = reverse("curation:activity")
    factories.DocumentFactory()
    editor_client.get(url)  # warm the session and content types
    with django_assert_num_queries(21) as few:
        editor_client.get(url)
    factories.DocumentFactory.create_batch(5)
    factories.CollectionFactory.create_batch(5)
    with django_assert_num_queries(len(few)):
        editor_client.get(url)


@pytest.mark.django_db(transaction=True)
def test_a_revert_runs_in_its_own_transaction(editor, document):
    """Outside a test's wrapping transaction, as in production: the row lock must work."""
    first = document.history.earliest("history_date")
    document.title = "A mistaken title"
    document.save()
    client = client_for(editor)
    opened = client.get(revert_url(document, first))
    assert client.post(revert_url(document, first), admin_form_data(opened)).status_code == 302
    document.refresh_from_db()
    assert document.title == first.title


def test_a_revert_restores_the_versions_links(editor_client, editor, archivist, document):
    """Places, topics and collections are part of a version: a revert brings them back."""
    kept = {
        "places": factories.PlaceFactory.create_batch(2),
        "topics": [factories.TopicFactory()],
        "collections": [factories.CollectionFactory()],
    }
    for name, values in kept.items():
        getattr(document, name).set(values)
    version = document.history.first()
    document._history_user = archivist
    document.places.set([factories.PlaceFactory()])
    document.topics.clear()
    document.collections.set([factories.CollectionFactory()])

    opened = editor_client.get(revert_url(document, version))
    assert sorted(opened.context["adminform"].form["topics"].value()) == [kept["topics"][0].pk]
    response = editor_client.post(revert_url(document, version), admin_form_data(opened))
    assert response.status_code == 302

    for name, values in kept.items():
        assert set(getattr(document, name).all()) == set(values), name
    latest = document.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        editor,
        f"Reverted to version {version.history_id}",
    )
    assert latest.diff_against(version).changed_fields == []


def test_linking_a_related_document_is_kept_on_both_sides(editor_client, editor, document):
    """A related-documents link goes both ways, so both records' histories show it when it
    is made, and saving the other record later records no change it did not make."""
    other = factories.DocumentFactory()
    opened = editor_client.get(change_url(document))
    editor_client.post(change_url(document), admin_form_data(opened, related_documents=[other.pk]))
    latest = other.history.first()
    assert list(latest.related_documents.values_list("to_document", flat=True)) == [document.pk]
    assert latest.history_user == editor

    versions = other.history.count()
    opened = editor_client.get(change_url(other))
    assert editor_client.post(change_url(other), admin_form_data(opened)).status_code == 302
    assert other.history.count() == versions


def test_adding_a_link_that_exists_keeps_no_version(document):
    topic = factories.TopicFactory()
    document.topics.add(topic)
    versions = document.history.count()
    document.topics.add(topic)
    document.places.clear()
    assert document.history.count() == versions


def test_linking_from_the_other_side_is_kept_on_the_document(editor, document):
    topic = factories.TopicFactory()
    topic._history_user = editor
    topic.documents.add(document)
    latest = document.history.first()
    assert list(latest.topics.values_list("topic", flat=True)) == [topic.pk]


def test_list_editable_saves_keep_one_version_each_with_the_user(editor_client, editor):
    from archive.models import Classification, Collection

    collections = factories.CollectionFactory.create_batch(2, featured=False, active=True)
    url = reverse("admin:archive_collection_changelist")
    opened = editor_client.get(url)
    rows = {f.instance.pk: f.prefix for f in opened.context["cl"].formset.forms}
    data = changelist_form_data(opened)
    data[f"{rows[collections[0].pk]}-featured"] = "on"
    data.pop(f"{rows[collections[1].pk]}-active")
    assert editor_client.post(url, data).status_code == 302

    for collection, field in zip(collections, ["featured", "active"], strict=True):
        latest = Collection.history.filter(id=collection.pk).first()
        assert latest.history_user == editor
        assert latest.diff_against(latest.prev_record).changed_fields == [field]
    assert Collection.history.count() == 4  # created twice, changed twice

    secret = factories.ClassificationFactory(name="Secret", rank=1)
    url = reverse("admin:archive_classification_changelist")
    opened = editor_client.get(url)
    prefix = opened.context["cl"].formset.forms[0].prefix
    assert editor_client.post(url, changelist_form_data(opened, **{f"{prefix}-rank": "5"}))
    latest = Classification.history.filter(id=secret.pk).first()
    assert (latest.rank, latest.history_user) == (5, editor)


def test_unpublishing_selected_documents_keeps_a_version_each(editor_client, editor, document):
    services.document_publish(document=document, editor=editor)
    other = factories.DocumentFactory(rights_statement=factories.RightsStatementFactory())
    factories.ScanFactory(document=other)
    services.document_publish(document=other, editor=editor)
    editor_client.post(
        reverse("admin:archive_document_changelist"),
        {"action": "unpublish_selected", "_selected_action": [document.pk, other.pk]},
    )
    for doc in (document, other):
        latest = doc.history.first()
        assert (latest.status, latest.history_user, latest.history_change_reason) == (
            "draft",
            editor,
            "Unpublished",
        )


def test_reverting_an_approved_translations_translators_starts_a_new_revision(
    editor_client, archivist, second_editor, document
):
    translation = document.translations.get()
    first = translation.history.earliest("history_date")
    translation.translators.set([factories.TranslatorFactory(name="Merle Pribbenow")])
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=second_editor)

    kept = sorted(first.translators.values_list("translator", flat=True))

    opened = editor_client.get(revert_url(translation, first))
    response = editor_client.post(revert_url(translation, first), admin_form_data(opened))
    assert response.status_code == 302

    translation.refresh_from_db()
    assert sorted(translation.translators.values_list("pk", flat=True)) == kept
    assert translation.state == Translation.State.DRAFT
    assert [t.name for t in translation.approved_translators.all()] == ["Merle Pribbenow"]


def test_the_upgrade_gives_linked_documents_the_version_they_missed(
    editor_client, editor, document
):
    """Links made before both sides were kept: the upgrade records them once, by no one, so
    the next save by an editor shows only what that editor changed."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    other = factories.DocumentFactory()
    with connection.cursor() as cursor:  # a link as older code kept it: no version of it
        cursor.execute(
            "INSERT INTO archive_document_related_documents (from_document_id, to_document_id) "
            "VALUES (%s, %s), (%s, %s)",
            [document.pk, other.pk, other.pk, document.pk],
        )
    migration = import_module("curation.migrations.0007_history_of_links_made_elsewhere")
    migration.catch_up(apps, None)
    versions = Document.history.count()
    migration.catch_up(apps, None)
    assert Document.history.count() == versions  # once only

    for doc, linked in ((document, other), (other, document)):
        latest = doc.history.first()
        assert (latest.history_user, latest.history_change_reason) == (None, migration.REASON)
        assert latest.diff_against(latest.prev_record).changed_fields == ["related_documents"]
        assert list(latest.related_documents.values_list("to_document", flat=True)) == [linked.pk]

    opened = editor_client.get(change_url(other))
    editor_client.post(change_url(other), admin_form_data(opened, title="Renamed"))
    latest = other.history.first()
    assert (latest.history_user, latest.diff_against(latest.prev_record).changed_fields) == (
        editor,
        ["title"],
    )
