"""Keep the search index current: every change to what a document's index row holds
reindexes that document, in the same transaction as the change.

Connected in ``SearchConfig.ready()``. ``QuerySet.update()``/``bulk_create()`` send no
model signals; the querysets of the indexed models announce those writes instead
(``archive.signals.documents_changed``).
"""

from django.apps import apps
from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete

from archive.models import (
    Agent,
    Document,
    Language,
    Place,
    Provenance,
    Repository,
    Topic,
    Transcript,
    Translation,
    Translator,
)
from archive.search.facets import FACETS
from archive.search.index import reindex_documents
from archive.signals import documents_changed

# Authorities whose names the index holds: a rename reindexes their documents.
NAMED = (Agent, Place, Repository, Topic, Translator)
UNFACETED = {"recipients": Agent}  # relations the index names but has no facet for


def _document_id(record) -> int:
    """The document a document, transcript, translation or provenance belongs to."""
    return record.pk if isinstance(record, Document) else record.document_id


def _documents_of(authority) -> set[int]:
    """The documents whose index rows hold this authority's key or name."""
    relations = {facet.field: facet.model for facet in FACETS} | UNFACETED
    return {
        pk
        for relation, model in relations.items()
        if isinstance(authority, model)
        for pk in Document.objects.filter(**{relation: authority}).values_list("pk", flat=True)
    }


def _documents_bulk_changed(sender, document_ids, **kwargs):
    reindex_documents(document_ids)


def _record_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_documents([_document_id(instance)])


def _relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A document's (or translation's) indexed links changed, from either side."""
    if reverse and action == "pre_clear":  # a reverse clear reports no ids: read them first
        _unlinking(sender, instance)
    elif reverse and action == "post_clear":
        _unlinked(sender, instance)
    # add() of links that exist (remove() of links that do not) still signals, without ids.
    elif action == "post_clear" or (action in ("post_add", "post_remove") and pk_set):
        if not reverse:
            reindex_documents([_document_id(instance)])
        elif model is Translation:
            reindex_documents(
                Translation.objects.filter(pk__in=pk_set).values_list("document_id", flat=True)
            )
        else:
            reindex_documents(pk_set)


def _authority_saved(sender, instance, created=False, raw=False, **kwargs):
    """A renamed (or re-varianted) authority changes its documents' rows; a moved place,
    the keys of every document in its subtree."""
    if raw or created:
        return
    if isinstance(instance, Place):
        old_path = instance.tree_path
        # Place.save() re-roots the subtree after post_save; do it now (it is idempotent)
        # so the index reads the new paths.
        instance._update_tree_path()
        moved = Place.objects.filter(tree_path__startswith=instance.tree_path if old_path else "/")
        reindex_documents(moved.values_list("documents", flat=True))
    else:
        reindex_documents(_documents_of(instance))


def _unlinking(sender, instance, **kwargs):
    """Deleting an authority (or clearing its links from its side) removes link rows
    without naming their documents: note them first."""
    instance._search_documents = _documents_of(instance)


def _unlinked(sender, instance, **kwargs):
    reindex_documents(instance.__dict__.pop("_search_documents", []))


def _language_changed(sender, **kwargs):
    """A new language may need another text search configuration or stemmer in queries."""
    from archive.search.backends.postgres import query_configs
    from archive.search.stemming import archive_stemmers

    query_configs.cache_clear()
    archive_stemmers.cache_clear()


def _remove_stale_rows(sender, using="default", **kwargs):
    """After a flush (tests) or migration: drop FTS rows whose index entry is gone.

    ``flush`` empties the model tables but knows nothing of the FTS5 table."""
    connection = connections[using]
    if (
        connection.vendor == "sqlite"
        and "archive_search_fts" in connection.introspection.table_names()
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM archive_search_fts WHERE rowid NOT IN "
                "(SELECT document_id FROM archive_searchentry)"
            )


def connect() -> None:
    post_migrate.connect(_remove_stale_rows, sender=apps.get_app_config("archive"))
    documents_changed.connect(_documents_bulk_changed)
    for signal in (post_save, post_delete):
        signal.connect(_language_changed, sender=Language)
        for model in (Document, Transcript, Translation, Provenance):
            signal.connect(_record_changed, sender=model)
    indexed = {facet.field for facet in FACETS} | set(UNFACETED)
    links = [f.remote_field.through for f in Document._meta.many_to_many if f.name in indexed]
    for through in [*links, Translation.approved_translators.through]:
        m2m_changed.connect(_relation_changed, sender=through)
    for model in {facet.model for facet in FACETS} | set(NAMED):
        pre_delete.connect(_unlinking, sender=model)
        post_delete.connect(_unlinked, sender=model)
    for model in NAMED:
        post_save.connect(_authority_saved, sender=model)
