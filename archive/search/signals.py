"""Keep the search index current: every change to what a document's index row holds
reindexes that document, in the same transaction as the change.

Connected in ``SearchConfig.ready()``. ``QuerySet.update()``/``bulk_create()`` send no
model signals; the querysets of the indexed models announce those writes instead
(``archive.signals.documents_changed``).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from archive.search.facets import FACETS
from archive.search.index import reindex_documents
from archive.signals import documents_changed


def _documents_bulk_changed(sender, document_ids, **kwargs):
    reindex_documents(document_ids)


def _document_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_documents([instance.pk])


def _document_deleted(sender, instance, **kwargs):
    reindex_documents([instance.pk])


def _child_changed(sender, instance, raw=False, **kwargs):
    """A transcript, translation or provenance changed: reindex its document."""
    if not raw:
        reindex_documents([instance.document_id])


def _other_side_ids(sender, instance, column: str) -> list[int]:
    """Values of `column` in the through table rows that point at `instance`."""
    field = next(
        f
        for f in sender._meta.concrete_fields
        if f.is_relation and isinstance(instance, f.related_model)
    )
    return list(
        sender.objects.filter(**{field.attname: instance.pk}).values_list(column, flat=True)
    )


def _nothing_linked(action: str, pk_set) -> bool:
    """``add()`` of links that exist (and ``remove()`` of links that do not) still sends
    m2m_changed, with no ids: the index row is already right."""
    return action in ("post_add", "post_remove") and not pk_set


def _document_relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Document.topics/places/... changed, from either side (a reverse clear reports no
    ids, so they are read before it)."""
    if _nothing_linked(action, pk_set):
        return
    if action == "pre_clear" and reverse:
        instance._search_detached = _other_side_ids(sender, instance, "document_id")
    elif action == "post_clear" and reverse:
        reindex_documents(instance.__dict__.pop("_search_detached", []))
    elif action.startswith("post_"):
        reindex_documents((pk_set or []) if reverse else [instance.pk])


def _translators_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from archive.models import Translation

    def documents_of(translation_ids):
        return Translation.objects.filter(pk__in=translation_ids).values_list(
            "document_id", flat=True
        )

    if _nothing_linked(action, pk_set):
        return
    if action == "pre_clear" and reverse:
        instance._search_detached = list(
            documents_of(_other_side_ids(sender, instance, "translation_id"))
        )
    elif action == "post_clear" and reverse:
        reindex_documents(instance.__dict__.pop("_search_detached", []))
    elif action.startswith("post_"):
        reindex_documents(documents_of(pk_set or []) if reverse else [instance.document_id])


def _authority_saved(sender, instance, created=False, raw=False, **kwargs):
    """A renamed (or re-varianted) topic, person, translator, repository or place (or
    a moved place) changes its documents' rows."""
    if raw or created:
        return
    from archive.models import Place

    if isinstance(instance, Place):
        old_path = instance.tree_path
        # Place.save() re-roots the subtree after post_save; do it now (it is idempotent)
        # so the index reads the new paths.
        instance._update_tree_path()
        documents = sender.objects.filter(
            tree_path__startswith=instance.tree_path if old_path else "/"
        ).values_list("documents", flat=True)
    else:
        documents = _documents_of(instance)
    reindex_documents(documents)


def _documents_of(instance) -> list[int]:
    """The documents whose index rows hold this authority's name."""
    from archive.models import Agent, Provenance, Repository, Translation, Translator

    if isinstance(instance, Translator):
        return list(
            Translation.objects.filter(approved_translators=instance).values_list(
                "document_id", flat=True
            )
        )
    if isinstance(instance, Repository):
        return list(
            Provenance.objects.filter(repository=instance).values_list("document_id", flat=True)
        )
    if isinstance(instance, Agent):
        return [
            *instance.documents_created.values_list("pk", flat=True),
            *instance.documents_received.values_list("pk", flat=True),
        ]
    return list(instance.documents.values_list("pk", flat=True))


def _authority_deleting(sender, instance, **kwargs):
    """Deleting a topic, place, person, collection, funder or translator removes its
    relation rows without m2m signals: note its documents first."""
    instance._search_documents = _documents_of(instance)


def _authority_deleted(sender, instance, **kwargs):
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
    from django.db import connections

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
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from archive.models import (
        Agent,
        Collection,
        Document,
        Funder,
        Language,
        Place,
        Provenance,
        Repository,
        Topic,
        Transcript,
        Translation,
        Translator,
    )

    post_migrate.connect(
        _remove_stale_rows, sender=apps.get_app_config("archive"), dispatch_uid="search_stale"
    )
    post_save.connect(_language_changed, sender=Language, dispatch_uid="search_language_saved")
    post_delete.connect(_language_changed, sender=Language, dispatch_uid="search_language_deleted")

    documents_changed.connect(_documents_bulk_changed, dispatch_uid="search_bulk_changes")
    post_save.connect(_document_saved, sender=Document, dispatch_uid="search_document_saved")
    post_delete.connect(_document_deleted, sender=Document, dispatch_uid="search_document_deleted")
    for model in (Transcript, Translation, Provenance):
        uid = f"search_{model.__name__}"
        post_save.connect(_child_changed, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(_child_changed, sender=model, dispatch_uid=f"{uid}_deleted")
    # The relations whose names or keys are indexed (recipients are named, not faceted).
    indexed = {facet.field for facet in FACETS} | {"recipients"}
    for field in Document._meta.many_to_many:
        if field.name in indexed:
            m2m_changed.connect(
                _document_relation_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"search_m2m_{field.name}",
            )
    m2m_changed.connect(
        _translators_changed,
        sender=Translation.approved_translators.through,
        dispatch_uid="search_m2m_translators",
    )
    for model in (Agent, Collection, Funder, Place, Topic, Translator):
        uid = f"search_{model.__name__}"
        pre_delete.connect(_authority_deleting, sender=model, dispatch_uid=f"{uid}_deleting")
        post_delete.connect(_authority_deleted, sender=model, dispatch_uid=f"{uid}_deleted")
    for model in (Agent, Place, Repository, Topic, Translator):
        post_save.connect(
            _authority_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved"
        )
