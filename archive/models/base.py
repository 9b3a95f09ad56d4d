from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from archive.signals import documents_changed
from archive.slugs import unique_slug


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AnnouncingQuerySet(models.QuerySet):
    """Bulk writes that announce which documents they touched (``documents_changed``).

    ``update()`` and ``bulk_create()`` send no model signals, yet what the documents,
    transcripts and translations hold is read elsewhere (the search index).
    ``bulk_update()`` goes through ``update()``.
    """

    # Path from the model to the document it belongs to.
    document_field = "document_id"

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            documents = set(self.values_list(self.document_field, flat=True))
            rows = super().update(**kwargs)
            self._announce(documents)
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            field = self.model._meta.pk.attname if self.document_field == "pk" else "document_id"
            self._announce({getattr(obj, field) for obj in created})
        return created

    bulk_create.alters_data = True

    def _announce(self, document_ids: set[int]) -> None:
        documents_changed.send(sender=self.model, document_ids=document_ids)


class Authority(models.Model):
    """A controlled name (place, topic, person, repository …) records point to.

    Subclasses declare `name` with their own uniqueness; the slug is filled in
    from the name when left blank, so archivists never have to type one.
    """

    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    # What the admin's concurrency guard compares: a save from a stale form is refused.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class HasVariantNames(models.Model):
    """An authority known by more than one name: "Peking" and "北京" for Beijing.

    Kept as text, one name per line, so the document page and the search index read them
    with the authority itself, at no extra query.
    """

    variant_names = models.TextField(
        _("variant names"),
        blank=True,
        help_text=_(
            "One per line: other romanizations (Peking, Mao Tse-tung), older or newer names "
            "(Saigon), the name in its original script (北京, 毛泽东)."
        ),
    )

    class Meta:
        abstract = True

    @property
    def variant_name_list(self) -> list[str]:
        return variant_name_list(self.variant_names)


def variant_name_list(text: str) -> list[str]:
    """The names in `text`, one a line, each once, in the order given."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def reencode_new_image(field_file, *, max_side: int | None = None) -> None:
    """Replace a just-uploaded image with a clean re-encoding of it.

    Re-encoding drops metadata and anything smuggled after the image data. Files
    already in storage (`_committed`) are left alone so re-saving a record does
    not re-encode it again.
    """
    from archive.uploads import reencode_image

    if field_file and not getattr(field_file, "_committed", True):
        clean = reencode_image(field_file.file, max_side=max_side)
        field_file.save(clean.name, clean, save=False)
