from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive.richtext import RichTextField
from archive.slugs import unique_slug
from archive.uploads import validate_image_upload

from .base import TimeStamped, reencode_new_image


class CollectionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Collection(TimeStamped):
    """A curated set of documents, with an introductory text and an image."""

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    short_description = models.TextField(
        _("short description"), blank=True, help_text=_("One or two sentences shown in lists.")
    )
    description = RichTextField(_("description"), blank=True)
    image = models.ImageField(
        _("image"), upload_to="collections/", blank=True, validators=[validate_image_upload]
    )
    image_alt = models.CharField(
        _("image text alternative"),
        max_length=255,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    image_caption = models.CharField(_("image caption"), max_length=500, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent collection"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(
        _("position"),
        default=0,
        help_text=_(
            "Order among the collections beside it (the sub-collections of one parent, or "
            "the top-level collections): lower first; equal positions go by title."
        ),
    )
    related_collections = models.ManyToManyField(
        "self", verbose_name=_("related collections"), blank=True
    )
    featured = models.BooleanField(_("featured"), default=False, db_index=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active collections are shown to readers.")
    )

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        indexes = [models.Index(fields=["active", "featured"], name="collection_active_featured")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A collection cannot be inside itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        reencode_new_image(self.image, max_side=1600)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:collection_detail", kwargs={"slug": self.slug})
