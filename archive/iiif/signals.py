"""Tiles are made once an image scan is saved, after the transaction commits (a rolled-back
upload makes none). Scans saved before this existed get theirs on first request, or from
`manage.py make_iiif_tiles`."""

import logging

from django.db import transaction
from django.db.models.signals import post_save

from archive.iiif import tiles

logger = logging.getLogger(__name__)


def _make_tiles_after_commit(sender, instance, **kwargs):
    if kwargs.get("raw") or not instance.is_image or not instance.file:
        return
    transaction.on_commit(lambda: tiles.ensure_derivatives(scan=instance))


def connect() -> None:
    from archive.models import Scan

    post_save.connect(_make_tiles_after_commit, sender=Scan, dispatch_uid="iiif-tiles")
