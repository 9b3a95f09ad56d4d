"""Stale translations: a transcript corrected after a translation of its document was
approved (or last confirmed) marks that translation as possibly out of date.

A signal, so every way a transcript is saved (the admin's inline rows, its own form, an
import that saves row by row, a revert) marks it; bulk writes send no signal (see
docs/workflow.md). The editors' desk clears the mark (curation/staleness.py).
"""

from django.db import models
from django.db.models.signals import pre_save
from django.utils import timezone

from archive.models import Transcript, Translation
from archive.richtext import sanitize_html


def mark_translations_of(document_id: int, *, at) -> int:
    """Mark each translation readers see of this document as possibly out of date; one
    already marked keeps its first date (its changes are read from its last check)."""
    translations = Translation.objects.public().filter(
        document_id=document_id, original_changed_at__isnull=True
    )
    # QuerySet's own update(): the mark is not in the search index, so no reindex is due.
    return models.QuerySet.update(translations, original_changed_at=at)


def _transcript_saving(sender, instance: Transcript, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    before = Transcript.objects.filter(pk=instance.pk).values_list("body", flat=True).first()
    if before is not None and before != sanitize_html(instance.body):
        # Written before the transcript's own save, in its transaction: both or neither.
        mark_translations_of(instance.document_id, at=timezone.now())


def connect() -> None:
    pre_save.connect(_transcript_saving, sender=Transcript, dispatch_uid="stale_translations")
