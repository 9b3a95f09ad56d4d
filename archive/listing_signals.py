"""Keep the listings (archive/listings.py) current: every change to what a published
document is listed under refreshes that document's listings, in the change's transaction.

Connected in ``ArchiveConfig.ready()``. Bulk writes of documents and translations announce
their documents (``archive.signals.documents_changed``); relation rows written in bulk
send nothing, so their writers refresh or rebuild the listings themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from archive.listings import refresh_listings
from archive.models import (
    Collection,
    Document,
    Funder,
    Listing,
    ListingCount,
    ListingKind,
    Place,
    Provenance,
    Topic,
    Translation,
    Translator,
)
from archive.signals import documents_changed

# The relations a document is listed through, and the kind of name at their other end.
RELATIONS = {"collections": Collection, "places": Place, "topics": Topic, "funders": Funder}
KINDS = {
    Collection: ListingKind.COLLECTION,
    Place: ListingKind.PLACE,
    Topic: ListingKind.TOPIC,
    Funder: ListingKind.FUNDER,
    Translator: ListingKind.TRANSLATOR,
}


def _documents_bulk_changed(sender, document_ids, **kwargs):
    if sender in (Document, Translation):
        refresh_listings(document_ids)


def _document_changed(sender, instance, raw=False, **kwargs):
    """A document saved (its state, date or record id) or deleted (its listings go)."""
    if not raw:
        refresh_listings([instance.pk])


def _child_changed(sender, instance, raw=False, **kwargs):
    """A translation (its approved text) or a provenance (repository, declassifier)."""
    if not raw:
        refresh_listings([instance.document_id])


def _linked_ids(sender, instance, column: str) -> list[int]:
    """`column` of the relation rows that point at `instance` (read before a clear)."""
    field = next(
        f
        for f in sender._meta.concrete_fields
        if f.is_relation and isinstance(instance, f.related_model)
    )
    rows = sender.objects.filter(**{field.attname: instance.pk})
    return list(rows.values_list(column, flat=True))


def _relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Document.collections/places/topics/funders changed, from either side."""
    if action == "pre_clear" and reverse:
        instance._listings_detached = _linked_ids(sender, instance, "document_id")
    elif action == "post_clear" and reverse:
        refresh_listings(instance.__dict__.pop("_listings_detached", []))
    elif action.startswith("post_") and (pk_set or action == "post_clear"):
        refresh_listings((pk_set or []) if reverse else [instance.pk])


def _translators_changed(sender, instance, action, reverse, pk_set, **kwargs):
    def documents_of(translation_ids):
        translations = Translation.objects.filter(pk__in=translation_ids)
        return list(translations.values_list("document_id", flat=True))

    if action == "pre_clear" and reverse:
        translations = _linked_ids(sender, instance, "translation_id")
        instance._listings_detached = documents_of(translations)
    elif action == "post_clear" and reverse:
        refresh_listings(instance.__dict__.pop("_listings_detached", []))
    elif action.startswith("post_") and (pk_set or action == "post_clear"):
        refresh_listings(documents_of(pk_set or []) if reverse else [instance.document_id])


def _place_saving(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._listings_parent = (
            Place.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        )


def _place_saved(sender, instance, created=False, raw=False, **kwargs):
    """A place moved: its documents are now inside other places."""
    moved = instance.__dict__.pop("_listings_parent", instance.parent_id) != instance.parent_id
    if raw or created or not moved:
        return
    # Place.save() re-roots the subtree after post_save; do it now (it is idempotent).
    instance._update_tree_path()
    inside = Place.objects.filter(tree_path__startswith=instance.tree_path)
    relation = Document.places.through.objects.filter(place__in=inside)
    refresh_listings(relation.values_list("document_id", flat=True))


def _name_deleting(sender, instance, **kwargs):
    """Deleting a collection, topic, funder, place or translator removes its relation rows
    without m2m signals: note its documents first."""
    listed = Listing.objects.filter(kind=KINDS[sender], key=instance.pk)
    instance._listings_documents = list(listed.values_list("document_id", flat=True))


def _name_deleted(sender, instance, **kwargs):
    refresh_listings(instance.__dict__.pop("_listings_documents", []))
    ListingCount.objects.filter(kind=KINDS[sender], key=instance.pk).delete()


def connect() -> None:
    documents_changed.connect(_documents_bulk_changed, dispatch_uid="listings_bulk")
    post_save.connect(_document_changed, sender=Document, dispatch_uid="listings_document_saved")
    post_delete.connect(
        _document_changed, sender=Document, dispatch_uid="listings_document_deleted"
    )
    for model in (Translation, Provenance):
        uid = f"listings_{model.__name__}"
        post_save.connect(_child_changed, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(_child_changed, sender=model, dispatch_uid=f"{uid}_deleted")
    for name in RELATIONS:
        m2m_changed.connect(
            _relation_changed,
            sender=getattr(Document, name).through,
            dispatch_uid=f"listings_m2m_{name}",
        )
    m2m_changed.connect(
        _translators_changed,
        sender=Translation.approved_translators.through,
        dispatch_uid="listings_m2m_translators",
    )
    pre_save.connect(_place_saving, sender=Place, dispatch_uid="listings_place_saving")
    post_save.connect(_place_saved, sender=Place, dispatch_uid="listings_place_saved")
    for model in KINDS:
        uid = f"listings_{model.__name__}"
        pre_delete.connect(_name_deleting, sender=model, dispatch_uid=f"{uid}_deleting")
        post_delete.connect(_name_deleted, sender=model, dispatch_uid=f"{uid}_deleted")
