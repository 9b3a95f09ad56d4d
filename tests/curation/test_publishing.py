"""Publishing: the checks, unpublish, withdraw, scheduling, and who may do each."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from archive.models import Document
from curation import services
from tests import factories

pytestmark = pytest.mark.django_db

Status = Document.Status


def publication_url(document) -> str:
    return reverse("curation:publication", args=[document.pk])


def test_publishing_a_ready_document_makes_it_public(ready_document, editor):
    result = services.document_publish(document=ready_document, editor=editor)
    assert result.status == Status.PUBLISHED
    assert result.first_published_at is not None
    assert list(Document.objects.published()) == [ready_document]


def test_the_check_names_everything_that_is_missing(editor):
    bare = factories.DocumentFactory(summary="", date_entered="")
    with pytest.raises(services.PublishCheckFailed) as refused:
        services.document_publish(document=bare, editor=editor)
    assert refused.value.missing == [
        "a date",
        "a summary",
        "a rights statement",
        "a scan, a transcript or an approved translation",
    ]
    assert "lacks: a date, a summary" in str(refused.value)
    bare.refresh_from_db()
    assert bare.status == Status.DRAFT


@pytest.mark.parametrize("text", ["scan", "transcript", "approved translation"])
def test_any_one_text_is_enough(text, editor, archivist, second_editor):
    document = factories.DocumentFactory(rights_statement=factories.RightsStatementFactory())
    if text == "scan":
        factories.ScanFactory(document=document)
    elif text == "transcript":
        factories.TranscriptFactory(document=document)
    else:
        translation = factories.TranslationFactory(document=document)
        services.translation_submit(translation=translation, user=archivist)
        services.translation_approve(translation=translation, editor=second_editor)
    assert services.document_publish(document=document, editor=editor).is_published


def test_a_draft_translation_is_not_enough(editor):
    document = factories.DocumentFactory(rights_statement=factories.RightsStatementFactory())
    factories.TranslationFactory(document=document)
    with pytest.raises(services.PublishCheckFailed, match="approved translation"):
        services.document_publish(document=document, editor=editor)


def test_republishing_keeps_the_original_uploaded_date(ready_document, editor):
    first = services.document_publish(document=ready_document, editor=editor).first_published_at
    services.document_unpublish(document=ready_document, editor=editor)
    assert services.document_publish(document=ready_document, editor=editor).first_published_at == (
        first
    )


def test_unpublish_returns_to_draft(ready_document, editor):
    services.document_publish(document=ready_document, editor=editor)
    assert services.document_unpublish(document=ready_document, editor=editor).status == (
        Status.DRAFT
    )
    with pytest.raises(services.TransitionError):
        services.document_unpublish(document=ready_document, editor=editor)


def test_withdraw_keeps_a_tombstone_with_the_reason(ready_document, editor):
    services.document_publish(document=ready_document, editor=editor)
    result = services.document_withdraw(
        document=ready_document, editor=editor, reason="Published in error."
    )
    assert result.status == Status.WITHDRAWN
    assert result.withdrawal_reason == "Published in error."
    assert result.withdrawn_at is not None


def test_withdraw_needs_a_reason_and_a_published_document(ready_document, editor):
    with pytest.raises(services.TransitionError, match="Only a published"):
        services.document_withdraw(document=ready_document, editor=editor, reason="x")
    services.document_publish(document=ready_document, editor=editor)
    with pytest.raises(services.TransitionError, match="reason"):
        services.document_withdraw(document=ready_document, editor=editor, reason=" ")
    ready_document.refresh_from_db()
    assert ready_document.status == Status.PUBLISHED


@pytest.mark.parametrize(
    "call",
    [
        lambda d, u: services.document_publish(document=d, editor=u),
        lambda d, u: services.document_schedule(
            document=d, editor=u, publish_at=timezone.now() + datetime.timedelta(days=1)
        ),
    ],
    ids=["publish", "schedule"],
)
def test_an_archivist_cannot_publish_or_schedule(call, ready_document, archivist):
    with pytest.raises(PermissionDenied):
        call(ready_document, archivist)
    ready_document.refresh_from_db()
    assert (ready_document.status, ready_document.publish_at) == (Status.DRAFT, None)


# --- Scheduling -------------------------------------------------------------------------


def test_scheduled_publication_fires_at_its_time_and_not_before(ready_document, editor):
    when = timezone.now() + datetime.timedelta(hours=2)
    services.document_schedule(document=ready_document, editor=editor, publish_at=when)

    early = services.documents_publish_scheduled(now=when - datetime.timedelta(seconds=1))
    ready_document.refresh_from_db()
    assert early.published == [] and ready_document.status == Status.DRAFT

    on_time = services.documents_publish_scheduled(now=when)
    ready_document.refresh_from_db()
    assert on_time.published == [ready_document]
    assert ready_document.status == Status.PUBLISHED
    assert ready_document.publish_at is None
    assert ready_document.first_published_at == when


def test_the_cron_command_publishes_what_is_due(ready_document, editor):
    services.document_schedule(
        document=ready_document, editor=editor, publish_at=timezone.now() + datetime.timedelta(1)
    )
    later = factories.DocumentFactory(rights_statement=factories.RightsStatementFactory())
    factories.TranscriptFactory(document=later)
    services.document_schedule(
        document=later, editor=editor, publish_at=timezone.now() + datetime.timedelta(days=9)
    )
    # Time passes: the first one is due now, the second is not.
    Document.objects.filter(pk=ready_document.pk).update(
        publish_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    assert f"published {ready_document.record_id}" in out.getvalue()
    assert "1 published, 0 refused" in out.getvalue()
    assert list(Document.objects.published()) == [ready_document]


def test_a_due_document_that_fails_the_checks_stays_scheduled(ready_document, editor):
    services.document_schedule(
        document=ready_document, editor=editor, publish_at=timezone.now() + datetime.timedelta(1)
    )
    ready_document.transcripts.all().delete()
    run = services.documents_publish_scheduled(now=timezone.now() + datetime.timedelta(days=2))
    ready_document.refresh_from_db()
    assert run.published == [] and list(run.refused) == [ready_document]
    assert ready_document.status == Status.DRAFT and ready_document.publish_at is not None


def test_scheduling_refuses_the_past_and_an_unready_document(ready_document, editor):
    with pytest.raises(services.TransitionError, match="future"):
        services.document_schedule(
            document=ready_document, editor=editor, publish_at=timezone.now()
        )
    bare = factories.DocumentFactory()
    with pytest.raises(services.PublishCheckFailed):
        services.document_schedule(
            document=bare, editor=editor, publish_at=timezone.now() + datetime.timedelta(1)
        )


def test_unscheduling_cancels(ready_document, editor):
    services.document_schedule(
        document=ready_document, editor=editor, publish_at=timezone.now() + datetime.timedelta(1)
    )
    services.document_unschedule(document=ready_document, editor=editor)
    run = services.documents_publish_scheduled(now=timezone.now() + datetime.timedelta(days=2))
    assert run.published == []


# --- Through the admin ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"action": "publish"},
        {"action": "withdraw", "reason": "x"},
        {"action": "schedule", "publish_at": "2999-01-01T10:00"},
        {"action": "unpublish"},
    ],
    ids=lambda d: d["action"],
)
def test_an_archivists_hand_crafted_publishing_post_is_refused(
    data, archivist_client, ready_document, editor
):
    if data["action"] in ("withdraw", "unpublish"):
        services.document_publish(document=ready_document, editor=editor)
    before = Document.objects.values("status", "publish_at", "withdrawal_reason").get()
    response = archivist_client.post(publication_url(ready_document), data)
    assert response.status_code == 403
    assert Document.objects.values("status", "publish_at", "withdrawal_reason").get() == before


def test_an_editor_publishes_withdraws_and_schedules_through_the_page(
    editor_client, ready_document
):
    url = publication_url(ready_document)
    editor_client.post(url, {"action": "publish"})
    ready_document.refresh_from_db()
    assert ready_document.status == Status.PUBLISHED

    editor_client.post(url, {"action": "withdraw", "reason": "Rights withdrawn by the owner."})
    ready_document.refresh_from_db()
    assert ready_document.status == Status.WITHDRAWN
    assert ready_document.withdrawal_reason == "Rights withdrawn by the owner."

    response = editor_client.post(
        url, {"action": "schedule", "publish_at": "2999-01-01T10:00"}, follow=True
    )
    ready_document.refresh_from_db()
    assert ready_document.publish_at == datetime.datetime(2999, 1, 1, 10, 0, tzinfo=datetime.UTC)
    assert "Scheduled." in response.content.decode()


def test_a_failing_check_is_shown_on_the_page(editor_client):
    bare = factories.DocumentFactory(summary="")
    page = editor_client.get(publication_url(bare)).content.decode()
    assert "a summary" in page and "a rights statement" in page
    response = editor_client.post(publication_url(bare), {"action": "publish"}, follow=True)
    assert "cannot be published yet; it lacks: a summary" in response.content.decode()
    bare.refresh_from_db()
    assert bare.status == Status.DRAFT


def test_the_page_shows_archivists_no_publishing_buttons(
    archivist_client, editor_client, ready_document
):
    archivist_page = archivist_client.get(publication_url(ready_document)).content.decode()
    editor_page = editor_client.get(publication_url(ready_document)).content.decode()
    assert 'value="publish"' not in archivist_page
    assert "Only an editor can publish" in archivist_page
    assert 'value="publish"' in editor_page and 'value="schedule"' in editor_page


def test_the_change_form_cannot_set_the_status(archivist_client, ready_document):
    """`status` is read-only in the form: a crafted POST field is ignored."""
    form = archivist_client.get(reverse("admin:archive_document_change", args=[ready_document.pk]))
    assert "status" not in form.context["adminform"].form.fields
    assert "first_published_at" not in form.context["adminform"].form.fields
    assert "withdrawn_at" not in form.context["adminform"].form.fields


def test_bulk_publish_is_offered_to_editors_only(archivist_client, editor_client, ready_document):
    changelist = reverse("admin:archive_document_changelist")
    # Archivists have no bulk action on documents at all (they cannot delete them either).
    assert archivist_client.get(changelist).context["action_form"] is None
    editor_actions = editor_client.get(changelist).context["action_form"].fields["action"]
    assert {"publish_selected", "unpublish_selected"} <= set(dict(editor_actions.choices))

    crafted = {"action": "publish_selected", "_selected_action": [ready_document.pk]}
    archivist_client.post(changelist, crafted)
    ready_document.refresh_from_db()
    assert ready_document.status == Status.DRAFT

    editor_client.post(changelist, crafted)
    ready_document.refresh_from_db()
    assert ready_document.status == Status.PUBLISHED


def test_bulk_publish_reports_what_it_refused(editor_client, ready_document):
    bare = factories.DocumentFactory()
    response = editor_client.post(
        reverse("admin:archive_document_changelist"),
        {"action": "publish_selected", "_selected_action": [ready_document.pk, bare.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 document published." in page
    assert "lacks: a rights statement" in page
    assert Document.objects.published().get() == ready_document


def test_the_task_publishes_what_is_due(ready_document, editor):
    """Django's tasks framework (the immediate backend by default) runs the same work."""
    from curation.periodic import publish_scheduled_documents

    services.document_schedule(
        document=ready_document, editor=editor, publish_at=timezone.now() + datetime.timedelta(1)
    )
    assert publish_scheduled_documents.enqueue().return_value == {"published": [], "refused": []}
    Document.objects.filter(pk=ready_document.pk).update(publish_at=timezone.now())
    result = publish_scheduled_documents.enqueue()
    assert result.return_value == {"published": [ready_document.record_id], "refused": []}
    ready_document.refresh_from_db()
    assert ready_document.status == Status.PUBLISHED
