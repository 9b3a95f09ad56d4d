"""Translations whose original was corrected after approval: what changed, and the two
ways an editor settles it (archive/staleness.py sets the mark).

- **Confirm**: the approved text still holds against the corrected original; the comment
  goes to the review log and the history, and the mark clears.
- **Start a revision**: the working text goes back to draft for the translator; readers
  keep the approved text, and the mark stays until the revision is approved (approval
  checks it against the original as it then is).
"""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.diffs import WordDiff, word_diff
from archive.models import Transcript, Translation
from curation.models import ReviewEntry
from curation.services import (
    REVIEW,
    TransitionError,
    _locked_translation,
    _log,
    _require,
    _save,
)

State = Translation.State


# --- Reads ----------------------------------------------------------------------------------


def stale_translations() -> QuerySet[Translation]:
    """Every translation marked as possibly out of date, the longest-marked first."""
    return (
        Translation.objects.filter(original_changed_at__isnull=False)
        .select_related("document", "language")
        .order_by("original_changed_at", "pk")
    )


@dataclass(frozen=True)
class OriginalChange:
    transcript: Transcript
    diff: WordDiff


def original_changes(translation: Translation) -> list[OriginalChange]:
    """Each transcript of the document, word by word, as it was when the translation was
    last checked against it and as it is now (from the transcripts' history)."""
    since = translation.original_checked_at or translation.approved_at
    changes = []
    transcripts = Transcript.objects.filter(document_id=translation.document_id)
    for transcript in transcripts.select_related("language"):
        then = transcript.history.filter(history_date__lte=since).order_by("-history_date")
        earlier = then.values_list("body", flat=True).first() if since else None
        diff = word_diff(earlier or "", transcript.body)
        if diff.changed:
            changes.append(OriginalChange(transcript, diff))
    return changes


# --- Writes ---------------------------------------------------------------------------------


def _locked_stale(translation: Translation) -> Translation:
    current = _locked_translation(translation)
    if not current.is_stale:
        raise TransitionError(_("This translation is not marked as out of date."))
    return current


@transaction.atomic
def translation_confirm_current(
    *, translation: Translation, editor: AbstractBaseUser, comment: str
) -> Translation:
    """The approved text still holds against the corrected original: clear the mark."""
    _require(editor, REVIEW)
    if not comment.strip():
        raise TransitionError(_("Say why the translation still holds: a comment is required."))
    current = _locked_stale(translation)
    current.original_checked_at, current.original_changed_at = timezone.now(), None
    reason = _("Confirmed against the corrected original: %(comment)s")
    _save(current, user=editor, reason=reason % {"comment": comment.strip()})
    _log(
        current,
        action=ReviewEntry.Action.CONFIRMED,
        before=current.state,
        user=editor,
        comment=comment.strip(),
    )
    return current


@transaction.atomic
def translation_start_revision(
    *, translation: Translation, editor: AbstractBaseUser, comment: str = ""
) -> Translation:
    """Send the translation back to draft so it can be brought in line with the original."""
    _require(editor, REVIEW)
    current = _locked_stale(translation)
    if current.state != State.APPROVED:
        raise TransitionError(_("A revision of this translation is already under way."))
    before = current.state
    current.state = State.DRAFT
    _save(current, user=editor, reason=_("New revision started: the original was corrected"))
    _log(
        current,
        action=ReviewEntry.Action.REVISED,
        before=before,
        user=editor,
        comment=comment.strip(),
    )
    return current
