"""Querysets whose bulk writes keep the search index current.

``update()`` and ``bulk_create()`` send no signals, so the querysets of the models
the index reads (documents, transcripts, translations) reindex the documents they
touched. ``bulk_update()`` goes through ``update()``.
"""

from django.db import models, transaction

from archive.search.index import reindex_documents


class IndexedQuerySet(models.QuerySet):
    # Path from the model to the document it belongs to.
    document_field = "document_id"

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            documents = set(self.values_list(self.document_field, flat=True))
            rows = super().update(**kwargs)
            reindex_documents(documents)
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            field = self.model._meta.pk.attname if self.document_field == "pk" else "document_id"
            reindex_documents(getattr(obj, field) for obj in created)
        return created

    bulk_create.alters_data = True
