"""Tiles are made once an image scan is saved, by the task worker after the transaction
commits (a rolled-back upload queues none, and the archivist's save does not wait about
a second per scan). Scans saved before this existed, or whose task has not run yet, get
theirs on first request, or from `manage.py make_iiif_tiles`."""

import logging

from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


def _make_tiles_after_commit(sender, instance, **kwargs):
    if kwargs.get("raw") or not instance.is_image or not instance.file:
        return
    from archive.iiif.tasks import make_scan_derivatives

    transaction.on_commit(lambda: make_scan_derivatives.enqueue(instance.pk))


def connect() -> None:
    from archive.models import Scan

    post_save.connect(_make_tiles_after_commit, sender=Scan, dispatch_uid="iiif-tiles")
