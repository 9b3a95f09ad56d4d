"""Translations whose original was corrected after approval, and what changed in the
original since (archive/staleness.py sets the mark). An editor settles it with one of two
review moves in curation/services.py:

- **Confirm** (``translation_confirm_current``): the approved text still holds against
  the corrected original; the comment goes to the review log and the history, and the
  mark clears.
- **Start a revision** (``translation_start_revision``): the working text goes back to
  draft for the translator; readers keep the approved text, and the mark stays until the
  revision is approved (approval checks it against the original as it then is).
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from archive.diffs import WordDiff, word_diff
from archive.models import Transcript, Translation


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
