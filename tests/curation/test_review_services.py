"""Translation review as services: every transition, every forbidden one, and the mail."""

import pytest
from django.core.exceptions import PermissionDenied

from archive.models import Translation
from curation import services
from curation.models import ReviewEntry

pytestmark = pytest.mark.django_db

State = Translation.State


def submitted(translation, archivist):
    return services.translation_submit(translation=translation, user=archivist)


def approved(translation, archivist, editor):
    submitted(translation, archivist)
    return services.translation_approve(translation=translation, editor=editor)


def test_submit_moves_a_draft_to_review_and_logs_who(translation, archivist):
    result = submitted(translation, archivist)
    assert result.state == State.SUBMITTED
    entry = ReviewEntry.objects.get(translation=translation)
    assert (entry.action, entry.actor, entry.from_state, entry.to_state) == (
        ReviewEntry.Action.SUBMITTED,
        archivist,
        State.DRAFT,
        State.SUBMITTED,
    )
    assert entry.body == translation.body


def test_approve_makes_the_submitted_text_public(translation, archivist, editor):
    assert not Translation.objects.public().exists()
    result = approved(translation, archivist, editor)
    assert result.state == State.APPROVED
    assert result.approved_body == translation.body
    assert result.approved_at is not None
    assert list(Translation.objects.public()) == [translation]


def test_request_changes_sends_it_back_with_the_comment(translation, archivist, editor):
    submitted(translation, archivist)
    result = services.translation_request_changes(
        translation=translation, editor=editor, comment="Use 'revisionists'."
    )
    assert result.state == State.CHANGES_REQUESTED
    assert not result.approved_body
    entry = ReviewEntry.objects.filter(action=ReviewEntry.Action.CHANGES_REQUESTED).get()
    assert (entry.actor, entry.comment) == (editor, "Use 'revisionists'.")


def test_a_translation_sent_back_can_be_resubmitted(translation, archivist, editor):
    submitted(translation, archivist)
    services.translation_request_changes(translation=translation, editor=editor, comment="Fix")
    assert submitted(translation, archivist).state == State.SUBMITTED


def test_withdraw_takes_the_text_away_from_readers(translation, archivist, editor):
    approved(translation, archivist, editor)
    result = services.translation_withdraw(
        translation=translation, editor=editor, reason="Rights unclear"
    )
    assert (result.state, result.approved_body, result.approved_at) == (State.DRAFT, "", None)
    assert not Translation.objects.public().exists()


@pytest.mark.parametrize("state", [State.DRAFT, State.CHANGES_REQUESTED, State.APPROVED])
def test_only_a_submitted_translation_can_be_approved(state, translation, editor):
    Translation.objects.filter(pk=translation.pk).update(state=state)
    with pytest.raises(services.TransitionError, match="Only a submitted translation"):
        services.translation_approve(translation=translation, editor=editor)
    translation.refresh_from_db()
    assert translation.state == state and not translation.approved_body


@pytest.mark.parametrize("state", [State.DRAFT, State.APPROVED])
def test_only_a_submitted_translation_can_be_sent_back(state, translation, editor):
    Translation.objects.filter(pk=translation.pk).update(state=state)
    with pytest.raises(services.TransitionError):
        services.translation_request_changes(translation=translation, editor=editor, comment="x")
    translation.refresh_from_db()
    assert translation.state == state


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED])
def test_only_a_draft_can_be_submitted(state, translation, archivist):
    Translation.objects.filter(pk=translation.pk).update(state=state)
    with pytest.raises(services.TransitionError, match="Only a draft"):
        submitted(translation, archivist)


def test_an_empty_translation_cannot_be_submitted(archivist):
    from tests import factories

    empty = factories.TranslationFactory(body="")
    with pytest.raises(services.TransitionError, match="no text"):
        submitted(empty, archivist)


def test_sending_back_needs_a_comment(translation, archivist, editor):
    submitted(translation, archivist)
    with pytest.raises(services.TransitionError, match="comment is required"):
        services.translation_request_changes(translation=translation, editor=editor, comment="  ")
    translation.refresh_from_db()
    assert translation.state == State.SUBMITTED


def test_withdrawing_needs_a_public_text_and_a_reason(translation, archivist, editor):
    with pytest.raises(services.TransitionError, match="not public"):
        services.translation_withdraw(translation=translation, editor=editor, reason="x")
    approved(translation, archivist, editor)
    with pytest.raises(services.TransitionError, match="reason"):
        services.translation_withdraw(translation=translation, editor=editor, reason="")


def test_an_editor_cannot_approve_their_own_submission(translation, editor, second_editor):
    submitted(translation, editor)
    with pytest.raises(services.TransitionError, match="another editor"):
        services.translation_approve(translation=translation, editor=editor)
    assert services.translation_approve(translation=translation, editor=second_editor).state == (
        State.APPROVED
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda t, u: services.translation_approve(translation=t, editor=u),
        lambda t, u: services.translation_request_changes(translation=t, editor=u, comment="x"),
        lambda t, u: services.translation_withdraw(translation=t, editor=u, reason="x"),
    ],
    ids=["approve", "request_changes", "withdraw"],
)
def test_an_archivist_cannot_decide(call, translation, archivist):
    submitted(translation, archivist)
    with pytest.raises(PermissionDenied):
        call(translation, archivist)
    translation.refresh_from_db()
    assert translation.state == State.SUBMITTED and not translation.approved_body


def test_a_user_without_a_role_cannot_submit(translation):
    from tests import factories

    with pytest.raises(PermissionDenied):
        submitted(translation, factories.UserFactory(is_staff=True))


def test_editing_an_approved_text_keeps_readers_on_the_approved_one(
    translation, archivist, editor, second_editor
):
    approved_text = translation.body
    approved(translation, archivist, editor)
    translation.refresh_from_db()

    translation.body = "<p>To the Ministry of Foreign Affairs: revised.</p>"
    assert services.translation_note_edit(translation=translation, user=archivist, changed=["body"])
    translation.save()

    translation.refresh_from_db()
    assert translation.state == State.DRAFT
    public = Translation.objects.public().get()
    assert public.approved_body == approved_text

    submitted(translation, archivist)
    services.translation_approve(translation=translation, editor=second_editor)
    assert Translation.objects.public().get().approved_body == (
        "<p>To the Ministry of Foreign Affairs: revised.</p>"
    )


def test_editing_only_unrelated_fields_keeps_the_state(translation, archivist, editor):
    approved(translation, archivist, editor)
    translation.refresh_from_db()
    assert not services.translation_note_edit(
        translation=translation, user=archivist, changed=["document"]
    )
    assert translation.state == State.APPROVED


def test_approval_mails_the_submitter(
    translation, archivist, editor, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(translation, archivist)
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_approve(translation=translation, editor=editor, comment="Fine work")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [archivist.email]
    assert message.subject == f"Translation approved: {translation.document.title}"
    assert "edith approved your English translation" in message.body
    assert "Fine work" in message.body


def test_changes_requested_mails_the_comment_to_the_submitter(
    translation, archivist, editor, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(translation, archivist)
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_request_changes(
            translation=translation, editor=editor, comment="Check the date in line 2."
        )
    assert [m.to for m in mailoutbox] == [[archivist.email]]
    assert mailoutbox[0].subject == f"Changes requested: {translation.document.title}"
    assert "Check the date in line 2." in mailoutbox[0].body
    assert f"/admin/desk/review/{translation.pk}/" in mailoutbox[0].body


def test_the_mailed_link_is_absolute_when_the_site_url_is_set(
    translation, archivist, editor, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.DOSSIER_SITE_URL = "https://archive.example.org"
    submitted(translation, archivist)
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_request_changes(translation=translation, editor=editor, comment="No.")
    link = f"https://archive.example.org/admin/desk/review/{translation.pk}/"
    assert link in mailoutbox[0].body


def test_no_mail_when_the_decision_is_rolled_back(
    translation, archivist, editor, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(translation, archivist)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.TransitionError),
    ):
        services.translation_request_changes(translation=translation, editor=editor, comment="")
    assert callbacks == [] and mailoutbox == []


def test_submitting_and_withdrawing_send_no_mail(
    translation, archivist, editor, second_editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(translation, archivist)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_approve(translation=translation, editor=editor)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.translation_withdraw(translation=translation, editor=second_editor, reason="x")
    assert mailoutbox == []
