"""The roles: what each group may do, kept in sync, and shown in the admin accordingly."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from archive.models import Translation
from curation import services
from curation.roles import ARCHIVIST, EDITOR, role_permissions, sync_roles
from tests import factories

pytestmark = pytest.mark.django_db

DECISIONS = [
    "curation.review_translation",
    "curation.publish_document",
    "curation.view_activity",
    "curation.change_historicaldocument",
    "curation.change_historicaltranslation",
]
EVERYDAY = [
    "archive.add_document",
    "archive.change_document",
    "archive.change_translation",
    "archive.add_translation",
    "archive.add_scan",
    "curation.view_historicaldocument",
]


@pytest.mark.parametrize("perm", DECISIONS)
def test_archivists_may_not_decide(perm, archivist, editor):
    assert not archivist.has_perm(perm)
    assert editor.has_perm(perm)


@pytest.mark.parametrize("perm", EVERYDAY)
def test_both_roles_do_the_everyday_work(perm, archivist, editor):
    assert archivist.has_perm(perm) and editor.has_perm(perm)


def test_only_editors_delete_documents(archivist, editor):
    assert not archivist.has_perm("archive.delete_document")
    assert editor.has_perm("archive.delete_document")


def test_sync_roles_restores_a_permission_removed_by_hand():
    editors = Group.objects.get(name=EDITOR)
    editors.permissions.remove(
        editors.permissions.get(codename="publish_document", content_type__app_label="curation")
    )
    sync_roles()
    assert editors.permissions.filter(codename="publish_document").exists()
    wanted = {codename for _, codename in role_permissions()[EDITOR]}
    assert set(editors.permissions.values_list("codename", flat=True)) == wanted


def test_the_migration_created_both_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {ARCHIVIST, EDITOR}


def test_the_translation_form_has_no_state_field(archivist_client, translation):
    response = archivist_client.get(
        reverse("admin:archive_translation_change", args=[translation.pk])
    )
    fields = response.context["adminform"].form.fields
    assert "state" not in fields and "approved_body" not in fields


def test_a_crafted_state_in_the_translation_form_is_ignored(archivist_client, translation):
    from tests.curation.admin_forms import admin_form_data

    url = reverse("admin:archive_translation_change", args=[translation.pk])
    data = admin_form_data(archivist_client.get(url), state="approved")
    assert archivist_client.post(url, data).status_code == 302
    translation.refresh_from_db()
    assert translation.state == Translation.State.DRAFT
    assert not Translation.objects.public().exists()


def test_archivists_cannot_delete_a_public_translation(
    archivist_client, archivist, editor, translation
):
    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=editor)
    url = reverse("admin:archive_translation_delete", args=[translation.pk])
    assert archivist_client.post(url, {"post": "yes"}).status_code == 403
    response = archivist_client.post(
        reverse("admin:archive_translation_changelist"),
        {"action": "delete_selected", "_selected_action": [translation.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Translation.objects.filter(pk=translation.pk).exists()


def test_archivists_still_delete_their_drafts(archivist_client, translation):
    url = reverse("admin:archive_translation_delete", args=[translation.pk])
    assert archivist_client.post(url, {"post": "yes"}).status_code == 302
    assert not Translation.objects.filter(pk=translation.pk).exists()


def test_superusers_can_do_everything(translation):
    boss = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
    for perm in DECISIONS:
        assert boss.has_perm(perm)


def test_archivists_cannot_delete_a_public_translation_through_the_document_form(
    archivist_client, archivist, editor, translation
):
    from tests.curation.admin_forms import admin_form_data

    services.translation_submit(translation=translation, user=archivist)
    services.translation_approve(translation=translation, editor=editor)
    url = reverse("admin:archive_document_change", args=[translation.document.pk])
    data = admin_form_data(archivist_client.get(url), **{"translations-0-DELETE": "on"})
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    assert "Only an editor can delete a translation that readers can see." in (
        response.content.decode()
    )
    assert Translation.objects.filter(pk=translation.pk).exists()
