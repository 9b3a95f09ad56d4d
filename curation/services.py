"""Writes of the editors' desk: translation review and publishing.

Every review or publishing move is declared once in ``MOVES`` (who may make it,
from which state, what the history says) and run by ``_make_move``, which locks
the row, checks the move against its current state and the user's permissions,
saves through the model (so the history keeps who, when, what and why) and,
for a translation, logs the review entry and announces it after commit
(``curation.signals.review_moved``: mail goes out from there). Nothing else
changes a translation's review state or a document's status.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive import versions
from archive.models import Document, Translation
from curation.models import ReviewEntry
from curation.selectors import translation_submitter
from curation.signals import review_moved

SUBMIT = "archive.change_translation"
REVIEW = "curation.review_translation"
PUBLISH = "curation.publish_document"

State = Translation.State
Status = Document.Status
Action = ReviewEntry.Action

# Editing any of these on a translation under review or approved starts a new revision
# (readers keep the approved text, credit and translators until it is approved).
REVISION_FIELDS = {"body", "language", "translators", "credit_line"}

NOT_ALLOWED = gettext_lazy("You are not allowed to do this.")


class TransitionError(Exception):
    """A move the current state does not allow; the message is for the user."""


class PublishCheckFailed(TransitionError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            _("This document cannot be published yet; it lacks: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )


@dataclass(frozen=True)
class Move:
    """A move the desk allows: who may make it, from which state, and what it records."""

    permission: str
    allowed: Callable[[Any], bool]  # given the locked row as it is now
    refusal: str  # why not, when not allowed; "%(state)s" names the row's state
    history: str  # the change reason in the record's history; "%(words)s": the user's
    words_required: str = ""  # when the user must give a comment or reason: asks for it
    logged: str = ""  # the review entry's action (translations)
    # A rule on the person as well as the row: given (the row, the user), why this user
    # may not make the move ("" when they may).
    barred: Callable[[Any, Any], str] | None = None


def _published(document: Document) -> bool:
    return document.status == Status.PUBLISHED


def _own_submission(translation: Translation, user) -> str:
    """Every public text has been read by someone other than the person who sent it."""
    submitter = translation_submitter(translation)
    if submitter is not None and submitter.pk == user.pk:
        return _("You submitted this revision yourself; another editor must approve it.")
    return ""


MOVES: dict[str, Move] = {
    "translation_submit": Move(
        SUBMIT,
        lambda t: t.state in (State.DRAFT, State.CHANGES_REQUESTED),
        gettext_lazy("Only a draft can be submitted; this translation is %(state)s."),
        gettext_lazy("Submitted for review"),
        logged=Action.SUBMITTED,
    ),
    "translation_approve": Move(
        REVIEW,
        lambda t: t.state == State.SUBMITTED,
        gettext_lazy("Only a submitted translation can be approved; this one is %(state)s."),
        gettext_lazy("Approved"),
        logged=Action.APPROVED,
        barred=_own_submission,
    ),
    "translation_request_changes": Move(
        REVIEW,
        lambda t: t.state == State.SUBMITTED,
        gettext_lazy("Only a submitted translation can be sent back; this one is %(state)s."),
        gettext_lazy("Changes requested"),
        words_required=gettext_lazy("Say what should change: a comment is required."),
        logged=Action.CHANGES_REQUESTED,
    ),
    "translation_withdraw": Move(
        REVIEW,
        lambda t: bool(t.approved_body),
        gettext_lazy("This translation is not public, so there is nothing to withdraw."),
        gettext_lazy("Withdrawn: %(words)s"),
        words_required=gettext_lazy("Give a reason for withdrawing the translation."),
        logged=Action.WITHDRAWN,
    ),
    "translation_confirm_current": Move(
        REVIEW,
        lambda t: t.is_stale,
        gettext_lazy("This translation is not marked as out of date."),
        gettext_lazy("Confirmed against the corrected original: %(words)s"),
        words_required=gettext_lazy("Say why the translation still holds: a comment is required."),
        logged=Action.CONFIRMED,
    ),
    "translation_start_revision": Move(
        REVIEW,
        lambda t: t.is_stale,
        gettext_lazy("This translation is not marked as out of date."),
        gettext_lazy("New revision started: the original was corrected"),
        logged=Action.REVISED,
    ),
    "document_publish": Move(
        PUBLISH,
        lambda d: not _published(d),
        gettext_lazy("This document is already published."),
        gettext_lazy("Published"),
    ),
    "document_unpublish": Move(
        PUBLISH,
        _published,
        gettext_lazy("Only a published document can be unpublished."),
        gettext_lazy("Unpublished"),
    ),
    "document_withdraw": Move(
        PUBLISH,
        _published,
        gettext_lazy("Only a published document can be withdrawn."),
        gettext_lazy("Withdrawn: %(words)s"),
        words_required=gettext_lazy("Give the reason readers will see on the tombstone page."),
    ),
    "document_schedule": Move(
        PUBLISH,
        lambda d: not _published(d),
        gettext_lazy("This document is already published."),
        gettext_lazy("Scheduled for publication"),
    ),
    "document_unschedule": Move(
        PUBLISH,
        lambda d: d.publish_at is not None,
        gettext_lazy("This document is not scheduled."),
        gettext_lazy("Scheduled publication cancelled"),
    ),
}


def _permitted(user: AbstractBaseUser | None, perm: str) -> bool:
    return user is not None and user.is_active and user.has_perm(perm)


def _require(user: AbstractBaseUser | None, perm: str) -> None:
    if not _permitted(user, perm):
        raise PermissionDenied(str(NOT_ALLOWED))


def _refusal(move: Move, record: models.Model, user) -> str:
    """Why `user` cannot make `move` on `record` as it is now; "" when they can."""
    if not move.allowed(record):
        state = (
            record.get_state_display()
            if isinstance(record, Translation)
            else record.get_status_display()
        )
        return move.refusal % {"state": state.lower()}
    return move.barred(record, user) if move.barred else ""


def move_refusal(name: str, record: models.Model, user) -> str:
    """Why `user` cannot make the move `name` on `record` as it is now ("" when they can),
    by the rules `_make_move` enforces: the desk offers only the moves that pass."""
    move = MOVES[name]
    if not _permitted(user, move.permission):
        return str(NOT_ALLOWED)
    return _refusal(move, record, user)


def _save(obj, *, user: AbstractBaseUser | None, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    del obj._change_reason


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


@transaction.atomic
def _make_move[M: models.Model](
    name: str,
    record: M,
    *,
    user,
    change: Callable[[M], None],
    saved: Callable[[M], object] | None = None,
    words: str = "",
) -> M:
    """Run the move `name` on `record`: `change` edits the locked row (and may refuse
    with a TransitionError of its own); `saved`, if given, follows the save in the same
    transaction; `words` is the user's comment or reason."""
    move = MOVES[name]
    _require(user, move.permission)
    words = words.strip()
    if move.words_required and not words:
        raise TransitionError(str(move.words_required))
    current = type(record).objects.select_for_update().get(pk=record.pk)
    if refusal := _refusal(move, current, user):
        raise TransitionError(refusal)
    before = getattr(current, "state", "")
    change(current)
    _save(current, user=user, reason=move.history % {"words": words})
    if saved is not None:
        saved(current)
    if move.logged:
        entry = _log(current, action=move.logged, before=before, user=user, comment=words)
        transaction.on_commit(partial(review_moved.send, sender=ReviewEntry, entry=entry))
    return current


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


# --- Translation review -------------------------------------------------------------


def translation_submit(*, translation: Translation, user: AbstractBaseUser) -> Translation:
    """Send a draft (or a revision made after changes were requested) to the editors."""

    def change(current: Translation) -> None:
        if not current.body.strip():
            raise TransitionError(_("There is no text to submit."))
        current.state = State.SUBMITTED

    return _make_move("translation_submit", translation, user=user, change=change)


def translation_approve(
    *, translation: Translation, editor: AbstractBaseUser, comment: str = ""
) -> Translation:
    """Make the submitted text the one readers see (not by the editor who submitted it:
    ``_own_submission``)."""

    def change(current: Translation) -> None:
        current.state = State.APPROVED
        current.approved_body = current.body
        current.approved_at = timezone.now()
        # The text just read was read against the original as it is now.
        current.original_checked_at, current.original_changed_at = current.approved_at, None
        _with_approved_credit(current, keep=True)

    return _make_move(
        "translation_approve",
        translation,
        user=editor,
        change=change,
        saved=versions.record_approved_version,
        words=comment,
    )


def translation_request_changes(
    *, translation: Translation, editor: AbstractBaseUser, comment: str
) -> Translation:
    """Send a submitted translation back to its submitter with the editor's comment."""

    def change(current: Translation) -> None:
        current.state = State.CHANGES_REQUESTED

    return _make_move(
        "translation_request_changes", translation, user=editor, change=change, words=comment
    )


def translation_withdraw(
    *, translation: Translation, editor: AbstractBaseUser, reason: str
) -> Translation:
    """Take a translation away from readers; its working text stays, as a draft."""

    def change(current: Translation) -> None:
        current.approved_body = ""
        current.approved_at = None
        _with_approved_credit(current, keep=False)
        if current.state == State.APPROVED:
            current.state = State.DRAFT

    return _make_move(
        "translation_withdraw",
        translation,
        user=editor,
        change=change,
        saved=partial(versions.withdraw_versions, reason=reason.strip()),
        words=reason,
    )


def translation_confirm_current(
    *, translation: Translation, editor: AbstractBaseUser, comment: str
) -> Translation:
    """The approved text still holds against the corrected original: clear the
    possibly-out-of-date mark (see archive/staleness.py)."""

    def change(current: Translation) -> None:
        current.original_checked_at, current.original_changed_at = timezone.now(), None

    return _make_move(
        "translation_confirm_current", translation, user=editor, change=change, words=comment
    )


def translation_start_revision(
    *, translation: Translation, editor: AbstractBaseUser, comment: str = ""
) -> Translation:
    """Send a translation whose original was corrected back to draft, to bring it in line;
    readers keep the approved text, and the mark stays until the revision is approved."""

    def change(current: Translation) -> None:
        if current.state != State.APPROVED:
            raise TransitionError(_("A revision of this translation is already under way."))
        current.state = State.DRAFT

    return _make_move(
        "translation_start_revision", translation, user=editor, change=change, words=comment
    )


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


def _check_publishable(document: Document) -> None:
    missing = publication_problems(document)
    if missing:
        raise PublishCheckFailed(missing)


def _publish(current: Document, *, at: datetime | None = None) -> None:
    _check_publishable(current)
    current.status = Status.PUBLISHED
    current.first_published_at = current.first_published_at or at or timezone.now()
    current.publish_at = None
    current.withdrawn_at = None
    current.withdrawal_reason = ""


def document_publish(*, document: Document, editor: AbstractBaseUser) -> Document:
    return _make_move("document_publish", document, user=editor, change=_publish)


def document_unpublish(*, document: Document, editor: AbstractBaseUser) -> Document:
    """Back to draft: readers get a 404, not a tombstone (use withdraw for that)."""

    def change(current: Document) -> None:
        current.status = Status.DRAFT

    return _make_move("document_unpublish", document, user=editor, change=change)


def document_withdraw(*, document: Document, editor: AbstractBaseUser, reason: str) -> Document:
    """Withdraw a published document; its URL keeps a tombstone with the reason."""

    def change(current: Document) -> None:
        current.status = Status.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.withdrawal_reason = reason.strip()
        current.publish_at = None

    return _make_move("document_withdraw", document, user=editor, change=change, words=reason)


def document_schedule(
    *, document: Document, editor: AbstractBaseUser, publish_at: datetime
) -> Document:
    """Publish later: the periodic task (or `manage.py publish_scheduled` from cron)
    publishes it once the time has come."""

    def change(current: Document) -> None:
        if publish_at <= timezone.now():
            raise TransitionError(_("Choose a date and time in the future."))
        _check_publishable(current)
        current.publish_at = publish_at

    return _make_move("document_schedule", document, user=editor, change=change)


def document_unschedule(*, document: Document, editor: AbstractBaseUser) -> Document:
    def change(current: Document) -> None:
        current.publish_at = None

    return _make_move("document_unschedule", document, user=editor, change=change)


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
                # Dated as scheduled, however late the periodic task or cron ran.
                _publish(current, at=current.publish_at)
                _save(current, user=None, reason=_("Published as scheduled"))
                run.published.append(current)
        except PublishCheckFailed as refused:
            run.refused[current] = str(refused)
    return run
