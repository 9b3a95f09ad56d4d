"""Keep `Document.metadata_changed_at` (the OAI-PMH datestamp) moving with every change to a
document's public metadata, not only saves of the document row itself.

`Document.save()` sets it; these handlers set it when a relation (collections, places,
topics, creators …), the provenance or a translation changes, and when an authority a
document names is renamed or deleted. Connected in `ArchiveConfig.ready()`.
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

# Document relations that oai_dc shows or that decide a record's sets.
RELATIONS = ("collections", "places", "topics", "creators", "funders", "original_languages")


def touch_documents(documents: QuerySet) -> None:
    """Mark these documents' metadata as changed now. The base manager's plain `update()`
    leaves the search index alone (nothing it holds changed)."""
    from archive.models import Document

    Document._base_manager.filter(pk__in=documents.values("pk")).update(
        metadata_changed_at=timezone.now()
    )


def _documents(**lookup) -> QuerySet:
    from archive.models import Document

    return Document._base_manager.filter(**lookup)


def _relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action.startswith("post_"):
            _documents(pk=instance.pk).update(metadata_changed_at=timezone.now())
        return
    # Changed from the other side: `pk_set` names the documents, except on clear, which
    # must be read before the rows go.
    if action == "pre_clear":
        touch_documents(_documents(pk__in=_linked(sender, instance)))
    elif action in ("post_add", "post_remove"):
        touch_documents(_documents(pk__in=pk_set or []))


def _linked(sender, instance) -> QuerySet:
    other = next(
        f
        for f in sender._meta.concrete_fields
        if f.is_relation and f.related_model is not None and isinstance(instance, f.related_model)
    )
    return sender.objects.filter(**{other.attname: instance.pk}).values("document_id")


def _child_changed(sender, instance, raw=False, **kwargs):
    """The provenance (dc:source), a transcript or a translation of a document changed."""
    if not raw:
        _documents(pk=instance.document_id).update(metadata_changed_at=timezone.now())


def _authority_changed(sender, instance, created=False, raw=False, **kwargs):
    """A renamed topic, place, person, language, collection … changes what its documents'
    records say; a deleted one drops out of them (touched before its rows go)."""
    if raw or created:
        return
    touch_documents(_documents_naming(instance))


def _documents_naming(instance) -> QuerySet:
    from archive.models import (
        Agent,
        Collection,
        DocumentType,
        Language,
        Place,
        Repository,
        RightsStatement,
        Topic,
    )

    match instance:
        case Collection():
            # A sub-collection's set spec starts with its parent's: touch the whole subtree.
            ids, frontier = {instance.pk}, [instance.pk]
            while frontier:
                frontier = list(
                    Collection.objects.filter(parent__in=frontier)
                    .exclude(pk__in=ids)
                    .values_list("pk", flat=True)
                )
                ids.update(frontier)
            return _documents(collections__in=ids)
        case Agent():
            return _documents(creators=instance)
        case Language():
            return _documents(original_languages=instance)
        case Place() | Topic():
            return _documents(**{f"{type(instance).__name__.lower()}s": instance})
        case Repository():
            return _documents(provenance__repository=instance)
        case DocumentType():
            return _documents(document_type=instance)
        case RightsStatement():
            return _documents(rights_statement=instance)
    return _documents(pk__in=[])


def _authority_deleting(sender, instance, **kwargs):
    touch_documents(_documents_naming(instance))


def connect() -> None:
    from archive.models import (
        Agent,
        Collection,
        Document,
        DocumentType,
        Language,
        Place,
        Provenance,
        Repository,
        RightsStatement,
        Topic,
        Transcript,
        Translation,
    )

    for name in RELATIONS:
        m2m_changed.connect(
            _relation_changed,
            sender=getattr(Document, name).through,
            dispatch_uid=f"oai_m2m_{name}",
        )
    # The transcript is not in oai_dc, but the document page (and its sitemap lastmod) shows it.
    for model in (Provenance, Transcript, Translation):
        uid = f"oai_{model.__name__}"
        post_save.connect(_child_changed, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(_child_changed, sender=model, dispatch_uid=f"{uid}_deleted")
    authorities = (Agent, Collection, DocumentType, Language, Place, Repository, RightsStatement)
    for model in (*authorities, Topic):
        uid = f"oai_{model.__name__}"
        post_save.connect(_authority_changed, sender=model, dispatch_uid=f"{uid}_saved")
        pre_delete.connect(_authority_deleting, sender=model, dispatch_uid=f"{uid}_deleting")
