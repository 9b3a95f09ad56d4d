"""Signals the archive's models send; what listens to them lives above the models.

A leaf module (it imports only Django), so the models can announce a change without
knowing who cares: the search index connects in its ``AppConfig.ready()``.
"""

from django.dispatch import Signal

# Sent by the bulk writes of documents and of what hangs off them (``QuerySet.update()``
# and ``bulk_create()``, which send no model signals), with ``document_ids``: the
# documents touched. Sent inside the write's transaction, so a listener's own writes
# commit or roll back with it.
documents_changed = Signal()
