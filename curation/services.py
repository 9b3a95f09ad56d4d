"""Writes of the editors' desk: translation review and publishing.

Every service locks the row it changes, checks the move against the row's
current state and the user's permissions, saves through the model (so the
history keeps who, when, what and why), and sends mail only after commit.
Nothing else changes a translation's review state or a document's status.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive import versions
from archive.models import Document, Translation
from curation import notifications
from curation.models import ReviewEntry

SUBMIT = "archive.change_translation"
REVIEW = "curation.review_translation"
PUBLISH = "curation.publish_document"

State = Translation.State
Status = Document.Status

# Editing any of these on a translation under review or approved starts a new revision
# (readers keep the approved text, credit and translators until it is approved).
REVISION_FIELDS = {"body", "language", "translators", "credit_line"}


class TransitionError(Exception):
    """A move the current state does not allow; the message is for the user."""


class PublishCheckFailed(TransitionError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            _("This document cannot be published yet; it lacks: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )


def _require(user: AbstractBaseUser | None, perm: str) -> None:
    if user is None or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to do this."))


def _save(obj, *, user: AbstractBaseUser | None, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    del obj._change_reason


def _locked_translation(translation: Translation) -> Translation:
    return Translation.objects.select_for_update().get(pk=translation.pk)


def _log(translation: Translation, *, action: str, before: str, user, comment: str = ""):
    return ReviewEntry.objects.create(
        translation=translation,
        action=action,
        from_state=before,
        to_state=translation.state,
        actor=user,
        comment=comment,
        body=translation.body,
    )


def _with_approved_credit(translation: Translation, *, keep: bool) -> None:
    """Take (or drop) the credit readers see; the save that follows keeps the version."""
    translation.skip_history_when_saving = True
    try:
        if keep:
            translation.keep_approved_credit()
        else:
            translation.approved_credit = ""
            translation.approved_translators.clear()
    finally:
        del translation.skip_history_when_saving


def translation_submitter(translation: Translation):
    """Who submitted the revision now under review (or last reviewed)."""
    entry = (
        ReviewEntry.objects.filter(translation=translation, action=ReviewEntry.Action.SUBMITTED)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    return entry.actor if entry else None


# --- Translation review -------------------------------------------------------------


@transaction.atomic
def translation_submit(*, translation: Translation, user: AbstractBaseUser) -> Translation:
    """Send a draft (or a revision made after changes were requested) to the editors."""
    _require(user, SUBMIT)
    current = _locked_translation(translation)
    if current.state not in (State.DRAFT, State.CHANGES_REQUESTED):
        raise TransitionError(
            _("Only a draft can be submitted; this translation is %(state)s.")
            % {"state": current.get_state_display().lower()}
        )
    if not current.body.strip():
        raise TransitionError(_("There is no text to submit."))
    before = current.state
    current.state = State.SUBMITTED
    _save(current, user=user, reason=_("Submitted for review"))
    _log(current, action=ReviewEntry.Action.SUBMITTED, before=before, user=user)
    return current


@transaction.atomic
def translation_approve(
    *, translation: Translation, editor: AbstractBaseUser, comment: str = ""
) -> Translation:
    """Make the submitted text the one readers see.

    An editor may not approve a revision they submitted themselves: every
    public text has been read by someone other than the person who sent it.
    """
    _require(editor, REVIEW)
    current = _locked_translation(translation)
    if current.state != State.SUBMITTED:
        raise TransitionError(
            _("Only a submitted translation can be approved; this one is %(state)s.")
            % {"state": current.get_state_display().lower()}
        )
    submitter = translation_submitter(current)
    if submitter is not None and submitter.pk == editor.pk:
        raise TransitionError(
            _("You submitted this revision yourself; another editor must approve it.")
        )
    before = current.state
    current.state = State.APPROVED
    current.approved_body = current.body
    current.approved_at = timezone.now()
    # The text just read was read against the original as it is now.
    current.original_checked_at, current.original_changed_at = current.approved_at, None
    _with_approved_credit(current, keep=True)
    _save(current, user=editor, reason=_("Approved"))
    versions.record_approved_version(current)
    entry = _log(
        current, action=ReviewEntry.Action.APPROVED, before=before, user=editor, comment=comment
    )
    transaction.on_commit(partial(notifications.review_decision_sent, entry_id=entry.pk))
    return current


@transaction.atomic
def translation_request_changes(
    *, translation: Translation, editor: AbstractBaseUser, comment: str
) -> Translation:
    """Send a submitted translation back to its submitter with the editor's comment."""
    _require(editor, REVIEW)
    if not comment.strip():
        raise TransitionError(_("Say what should change: a comment is required."))
    current = _locked_translation(translation)
    if current.state != State.SUBMITTED:
        raise TransitionError(
            _("Only a submitted translation can be sent back; this one is %(state)s.")
            % {"state": current.get_state_display().lower()}
        )
    before = current.state
    current.state = State.CHANGES_REQUESTED
    _save(current, user=editor, reason=_("Changes requested"))
    entry = _log(
        current,
        action=ReviewEntry.Action.CHANGES_REQUESTED,
        before=before,
        user=editor,
        comment=comment.strip(),
    )
    transaction.on_commit(partial(notifications.review_decision_sent, entry_id=entry.pk))
    return current


@transaction.atomic
def translation_withdraw(
    *, translation: Translation, editor: AbstractBaseUser, reason: str
) -> Translation:
    """Take a translation away from readers; its working text stays, as a draft."""
    _require(editor, REVIEW)
    if not reason.strip():
        raise TransitionError(_("Give a reason for withdrawing the translation."))
    current = _locked_translation(translation)
    if not current.approved_body:
        raise TransitionError(_("This translation is not public, so there is nothing to withdraw."))
    before = current.state
    current.approved_body = ""
    current.approved_at = None
    _with_approved_credit(current, keep=False)
    if current.state == State.APPROVED:
        current.state = State.DRAFT
    _save(current, user=editor, reason=_("Withdrawn: %(reason)s") % {"reason": reason.strip()})
    versions.withdraw_versions(current, reason=reason.strip())
    _log(
        current,
        action=ReviewEntry.Action.WITHDRAWN,
        before=before,
        user=editor,
        comment=reason.strip(),
    )
    return current


def translation_note_edit(
    *, translation: Translation, user: AbstractBaseUser, changed: Iterable[str]
) -> bool:
    """Called before an edited translation is saved: editing starts a new revision.

    Readers keep the approved text (`approved_body` is untouched); the working
    text goes back to draft and must be submitted and approved again. Returns
    whether a new revision was started. The caller saves the translation.
    """
    if translation.pk is None or not REVISION_FIELDS & set(changed):
        return False
    if translation.state == State.DRAFT:
        return False
    before = translation.state
    translation.state = State.DRAFT
    translation._change_reason = _("New revision started")
    _log(translation, action=ReviewEntry.Action.REVISED, before=before, user=user)
    return True


# --- Publishing -------------------------------------------------------------------


def publication_problems(document: Document) -> list[str]:
    """What a reader needs that the document lacks (empty when it may be published)."""
    missing = []
    if not document.title.strip():
        missing.append(_("a title"))
    if not document.date_entered.strip():
        missing.append(_("a date"))
    if not document.summary.strip():
        missing.append(_("a summary"))
    if document.rights_statement_id is None:
        missing.append(_("a rights statement"))
    has_text = (
        document.scans.exists()
        or document.transcripts.exists()
        or document.translations.public().exists()
    )
    if not has_text:
        missing.append(_("a scan, a transcript or an approved translation"))
    return missing


def _locked_document(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def _publish(current: Document, *, user, reason: str, at: datetime | None = None) -> None:
    missing = publication_problems(current)
    if missing:
        raise PublishCheckFailed(missing)
    current.status = Status.PUBLISHED
    current.first_published_at = current.first_published_at or at or timezone.now()
    current.publish_at = None
    current.withdrawn_at = None
    current.withdrawal_reason = ""
    _save(current, user=user, reason=reason)


@transaction.atomic
def document_publish(*, document: Document, editor: AbstractBaseUser) -> Document:
    _require(editor, PUBLISH)
    current = _locked_document(document)
    if current.status == Status.PUBLISHED:
        raise TransitionError(_("This document is already published."))
    _publish(current, user=editor, reason=_("Published"))
    return current


@transaction.atomic
def document_unpublish(*, document: Document, editor: AbstractBaseUser) -> Document:
    """Back to draft: readers get a 404, not a tombstone (use withdraw for that)."""
    _require(editor, PUBLISH)
    current = _locked_document(document)
    if current.status != Status.PUBLISHED:
        raise TransitionError(_("Only a published document can be unpublished."))
    current.status = Status.DRAFT
    _save(current, user=editor, reason=_("Unpublished"))
    return current


@transaction.atomic
def document_withdraw(*, document: Document, editor: AbstractBaseUser, reason: str) -> Document:
    """Withdraw a published document; its URL keeps a tombstone with the reason."""
    _require(editor, PUBLISH)
    if not reason.strip():
        raise TransitionError(_("Give the reason readers will see on the tombstone page."))
    current = _locked_document(document)
    if current.status != Status.PUBLISHED:
        raise TransitionError(_("Only a published document can be withdrawn."))
    current.status = Status.WITHDRAWN
    current.withdrawn_at = timezone.now()
    current.withdrawal_reason = reason.strip()
    current.publish_at = None
    _save(current, user=editor, reason=_("Withdrawn: %(reason)s") % {"reason": reason.strip()})
    return current


@transaction.atomic
def document_schedule(
    *, document: Document, editor: AbstractBaseUser, publish_at: datetime
) -> Document:
    """Publish later: `publish_scheduled` (cron) publishes it once the time has come."""
    _require(editor, PUBLISH)
    if publish_at <= timezone.now():
        raise TransitionError(_("Choose a date and time in the future."))
    current = _locked_document(document)
    if current.status == Status.PUBLISHED:
        raise TransitionError(_("This document is already published."))
    missing = publication_problems(current)
    if missing:
        raise PublishCheckFailed(missing)
    current.publish_at = publish_at
    _save(current, user=editor, reason=_("Scheduled for publication"))
    return current


@transaction.atomic
def document_unschedule(*, document: Document, editor: AbstractBaseUser) -> Document:
    _require(editor, PUBLISH)
    current = _locked_document(document)
    if current.publish_at is None:
        raise TransitionError(_("This document is not scheduled."))
    current.publish_at = None
    _save(current, user=editor, reason=_("Scheduled publication cancelled"))
    return current


@dataclass
class ScheduledRun:
    published: list[Document] = field(default_factory=list)
    refused: dict[Document, str] = field(default_factory=dict)


def documents_publish_scheduled(*, now: datetime | None = None) -> ScheduledRun:
    """Publish every document whose scheduled time has come; each in its own transaction.

    A document that no longer passes the publishing checks stays scheduled and
    is reported, so the next run tries again once someone has fixed it.
    """
    now = now or timezone.now()
    run = ScheduledRun()
    due = Document.objects.filter(publish_at__lte=now).exclude(status=Status.PUBLISHED)
    for pk in due.order_by("publish_at", "pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                current = Document.objects.select_for_update().get(pk=pk)
                if current.publish_at is None or current.publish_at > now:
                    continue  # unscheduled or moved meanwhile
                if current.status == Status.PUBLISHED:
                    continue
                # Dated as scheduled, however late cron ran.
                _publish(
                    current, user=None, reason=_("Published as scheduled"), at=current.publish_at
                )
                run.published.append(current)
        except PublishCheckFailed as refused:
            run.refused[current] = str(refused)
    return run
