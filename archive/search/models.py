"""The search index: one row per published document.

The row holds what filtering and sorting need without joins (dates, facet keys).
The text itself lives in vendor-specific storage added by migration 0003: a
``vector`` tsvector column with a GIN index on PostgreSQL, the
``archive_search_fts`` FTS5 table on SQLite. Rows are written only by the
backends' set-based SQL (see ``archive.search.index``), never through the ORM.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    # The document's id. A plain integer primary key rather than a foreign key: on SQLite
    # that makes it the table's rowid, so joining the FTS5 table (rowid = document id) is
    # one lookup. Rows go when their document does (signals.py).
    document_id = models.IntegerField(_("document"), primary_key=True)
    date_earliest = models.DateField(null=True)
    date_latest = models.DateField(null=True)
    facets = models.TextField(
        _("facet keys"),
        blank=True,
        help_text=_('Space-separated keys such as "to12 pl3", one per facet value.'),
    )

    class Meta:
        app_label = "archive"
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        indexes = [
            models.Index(fields=["date_earliest"], name="searchentry_date_earliest"),
            models.Index(fields=["date_latest"], name="searchentry_date_latest"),
        ]

    def __str__(self) -> str:
        return f"Search entry for document {self.document_id}"
